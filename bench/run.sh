#!/usr/bin/env bash
# Worker-steps per second of localsgd against the plain loop, same machine, same run.
# Usage: bench/run.sh (after ./setup.sh build)
set -euo pipefail
cd "$(dirname "$0")/.."
plain=$(./build/bench_plain_loop 32 150)
echo "$plain"
plain_rate=$(echo "$plain" | sed -E 's/.*: ([0-9.]+) M worker-steps.*/\1/')
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for schedule in increasing one_shot synchronous; do
  for threads in 1 2; do
    cfg=(--set 'N=[32]' --set repetitions=150 --set record_every=1000 --set speedup.enabled=false)
    case $schedule in
      increasing) cfg+=(--set 'method=[{name="increasing", schedule={type="increasing", rounds="N"}}]') ;;
      one_shot) cfg+=(--set 'method=[{name="one_shot", schedule="one_shot"}]') ;;
      synchronous) cfg+=(--set 'method=[{name="sync", schedule="synchronous"}]') ;;
    esac
    ./build/localsgd run configs/paper/speedup.toml "${cfg[@]}" --threads "$threads" \
      --quiet --out "$tmp/out"
    wall=$(python3 -c "import json; print(json.load(open('$tmp/out/summary.json'))['wall_seconds'])")
    python3 - "$schedule" "$threads" "$wall" "$plain_rate" <<'PY'
import sys
schedule, threads, wall, plain = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
rate = 1000 * 32 * 150 / wall / 1e6
print(f"localsgd {schedule:12s} N = 32, {threads} thread(s): {rate:6.1f} M worker-steps/s "
      f"= {rate / (plain * threads):.2f} x the plain loop per core")
PY
  done
done
