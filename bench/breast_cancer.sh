#!/usr/bin/env bash
# localsgd against its NumPy baseline (bench/numpy_breast_cancer.py) on the
# breast-cancer experiment, reduced, in one run on this machine: the wall
# times, the worker-steps/s ratio, and the final errors side by side with
# z = (difference) / sqrt(se^2 + se^2) (different random numbers, the same
# distribution: |z| mostly below 2).
#
#   bench/breast_cancer.sh [T] [REPS]    # default T = 5000, 50 repetitions, all N
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/localsgd ] || ./setup.sh build >/dev/null
T=${1:-5000}
reps=${2:-50}
single=2000 # the config's speedup.repetitions
python=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

./build/localsgd run configs/real/breast_cancer.toml --quiet --out "$tmp/lsgd" \
  --set T="$T" --set repetitions="$reps" --set speedup.repetitions=$single
$python bench/numpy_breast_cancer.py --T "$T" --reps "$reps" --single-reps $single \
  --json "$tmp/numpy.json" >&2

$python - "$tmp/lsgd/summary.json" "$tmp/numpy.json" <<'PY'
import json, math, sys
s = json.load(open(sys.argv[1]))
npy = json.load(open(sys.argv[2]))
T = s["config"]["T"]
steps = sum(e["N"] * T * e["reps"] for e in s["results"])
theirs = {(r["method"], r["N"]): r for r in npy["results"]}
print("| method | N | localsgd final error | NumPy final error | z |")
print("|---|---|---|---|---|")
worst = 0.0
for e in s["results"]:
    r = theirs[(e["method"], e["N"])]
    m, se = e["final_error"]["mean"], e["final_error"]["stderr"]
    z = (m - r["mean"]) / math.hypot(se, r["stderr"])
    worst = max(worst, abs(z))
    print(f"| {e['method']} | {e['N']} | {m:.4e} ± {se:.1e} | {r['mean']:.4e} ± {r['stderr']:.1e} | {z:+.2f} |")
rate, nrate = steps / s["wall_seconds"], npy["worker_steps"] / npy["seconds"]
print(f"\nlargest |z| = {worst:.2f} over {len(s['results'])} entries")
reps = next(e["reps"] for e in s["results"] if e["method"] != "single")
print(f"breast cancer (T = {T}, {reps} reps): localsgd {s['wall_seconds']:.2f} s "
      f"({rate / 1e6:.2f} M worker-steps/s), NumPy {npy['seconds']:.2f} s ({nrate / 1e6:.2f} M/s): "
      f"localsgd / NumPy = {rate / nrate:.1f}x")
PY
