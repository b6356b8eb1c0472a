#!/usr/bin/env bash
# The numbers of README's "Simulated cluster time": experiment S and breast
# cancer (reduced: fewer repetitions and N values) on two simulated clusters,
# the time each method needs to reach the targets (summary.json's
# time_to_target) and its simulated end.
#   bench/sim_time.sh [LOCALSGD] [OUT_DIR]
set -eu
bin=${1:-build/localsgd}
out=${2:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/.." && pwd)
# 1 ms per local step (constant); star reduction; bytes per model: the
# default, 8 x the dimension (S: 8 bytes; breast cancer, d = 31: 248 bytes).
fast=(cluster_model.step_seconds=1e-3 cluster_model.latency=1e-3 cluster_model.bandwidth=1e10)
slow=(cluster_model.step_seconds=1e-3 cluster_model.latency=50e-3 cluster_model.bandwidth=1e8)
S=(repetitions=20 N=[4,16] speedup.enabled=false "report.targets=[0.02,0.005]")
B=(repetitions=4 N=[16] "report.targets=[1e-4,6e-5]")
for cluster in fast slow; do
  declare -n c=$cluster
  "$bin" run "$root/configs/paper/speedup.toml" --out "$out/S_$cluster" --set "${S[@]}" "${c[@]}" >/dev/null
  "$bin" run "$root/configs/real/breast_cancer.toml" --out "$out/B_$cluster" --set "${B[@]}" "${c[@]}" >/dev/null
done
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
for run in ("S_fast", "S_slow", "B_fast", "B_slow"):
    s = json.load(open(f"{out}/{run}/summary.json"))
    print(f"{run}:")
    for e in s["results"]:
        if e["method"] == "single":
            continue
        reach = "  ".join(
            f"<= {t['target']:g}: " + ("never" if t["step"] is None else
                                       f"t={t['step']} r={t['round']} {t['sim_seconds']:.3g} s")
            for t in e["time_to_target"])
        print(f"  {e['method']:<12} N={e['N']:<3} rounds={e['rounds']:<6} "
              f"end {e['sim_seconds']['mean']:.4g} s  final {e['final_error']['mean']:.3g}  {reach}")
PY
