#!/usr/bin/env bash
# README S, "The two generators across seeds": experiment S at N = 2 and 32 for
# SEEDS seeds with each generator, then, per (generator, method, N), the mean
# of the authors'-definition speed-up over seeds with its standard error, its
# seed-to-seed spread against the standard error each run quotes, and the
# difference between the generators in standard errors. A quoted error that is
# right gives a spread / quoted ratio near 1 (within about ±2 / sqrt(2 SEEDS)).
#   bench/generator_seeds.sh [LOCALSGD] [SEEDS] [OUT_DIR]     (30 seeds: ~15 min on 2 cores)
set -eu
bin=${1:-build/localsgd}
seeds=${2:-30}
out=${3:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/.." && pwd)
for seed in $(seq 1 "$seeds"); do
  for g in philox4x32-boxmuller philox4x64-ziggurat; do
    [ -f "$out/$g-$seed/summary.json" ] && continue  # resumes an interrupted sweep
    "$bin" run "$root/configs/paper/speedup.toml" --quiet --overwrite --out "$out/$g-$seed" \
      --set seed="$seed" --set random.generator="$g" --set 'N=[2,32]'
  done
done
python3 - "$out" <<'PY'
import collections, glob, json, math, statistics as st, sys
values, quoted = collections.defaultdict(list), collections.defaultdict(list)
for f in glob.glob(f"{sys.argv[1]}/*/summary.json"):
    generator = f.split("/")[-2].rsplit("-", 1)[0]
    for e in json.load(open(f))["results"]:
        if "speedup_median" in e:
            key = (e["method"], e["N"], generator)
            values[key].append(e["speedup_median"]["mean"])
            quoted[key].append(e["speedup_median"]["stderr"])
print("method       N  generator              seeds  mean ± s.e.      spread  quoted  ratio")
for key in sorted(values):
    v = values[key]
    print(f"{key[0]:11s} {key[1]:2d}  {key[2]:21s} {len(v):5d}  {st.mean(v):6.3f} ± {st.stdev(v) / math.sqrt(len(v)):5.3f}"
          f"  {st.stdev(v):6.3f}  {st.mean(quoted[key]):6.3f}  {st.stdev(v) / st.mean(quoted[key]):5.2f}")
print("\nphilox4x32-boxmuller - philox4x64-ziggurat, in standard errors of the difference:")
for (method, N, g) in sorted(values):
    if g != "philox4x32-boxmuller" or (method, N, "philox4x64-ziggurat") not in values:
        continue
    a, b = values[(method, N, g)], values[(method, N, "philox4x64-ziggurat")]
    se = math.sqrt(st.variance(a) / len(a) + st.variance(b) / len(b))
    print(f"{method:11s} {N:2d}  {st.mean(a) - st.mean(b):+7.3f} ({(st.mean(a) - st.mean(b)) / se:+.1f})")
PY
