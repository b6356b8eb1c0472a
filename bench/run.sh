#!/usr/bin/env bash
# Speed of localsgd against its baselines, measured in one run on this
# machine: the plain C++ loops (bench/plain_loop.cpp: the same arithmetic and
# random draws, no actors, 1 and all cores), once with the legacy scalar
# generator (philox4x64-ziggurat) and once with the SIMD generator and step
# kernel over 50 repetitions at a time (the floor), and the vectorized NumPy
# version (bench/numpy_baseline.py: what a researcher would write instead), on
# the paper's experiments S and L. Prints ns per normal draw per SIMD path
# (bench/normals.cpp) and a markdown table of worker-steps/s; then the
# breast-cancer experiment, reduced, against its NumPy version
# (bench/breast_cancer.sh): one ratio line.
#
# Each C++ rate is the median of several runs (S: 5, L: 3; one run of S
# takes 0.1-0.2 s and varied by 25% from run to run on 2 cores); NumPy runs once.
#
#   bench/run.sh          # L at 100 repetitions for the baselines (rates do not depend on it)
#   bench/run.sh --full   # L at the paper's 1000 repetitions everywhere (about 10 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/localsgd ] && [ -x build/bench_plain_loop ] && [ -x build/bench_normals ] \
  || ./setup.sh build >/dev/null
python=/usr/bin/python3
cores=$(nproc)
l_reps=100
[ "${1:-}" = "--full" ] && l_reps=1000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rate_of() { sed -E 's/.* = ([0-9.]+) M worker-steps\/s.*/\1/'; }
# The median of its arguments (an odd number of rates).
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }
runs_of() { [ "$1" = S ] && echo 5 || echo 3; }
# The median rate of a plain loop over `runs_of` runs; prints the last run's line.
plain_rate() {
  local exp=$1 rates=() line
  for _ in $(seq "$(runs_of "$exp")"); do
    line=$(./build/bench_plain_loop "$@")
    rates+=("$(echo "$line" | rate_of)")
  done
  echo "$line" >&2
  median "${rates[@]}"
}
# localsgd's rate from a summary: every worker step of every run over the wall time.
localsgd_rate() {
  $python - "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
T = s["config"]["T"]
steps = sum(e["N"] * T * e["reps"] for e in s["results"])
print(f"{steps / s['wall_seconds'] / 1e6:.1f} {s['wall_seconds']:.2f}")
PY
}

./build/bench_normals 20 >&2

declare -A rate wall
for exp in S L; do
  reps=150; [ $exp = L ] && reps=$l_reps
  for k in 1 "$cores"; do
    rate[plain_${exp}_$k]=$(plain_rate $exp "$k" "$reps" philox4x64-ziggurat)
    rate[simd_${exp}_$k]=$(plain_rate $exp "$k" "$reps" philox4x32-boxmuller)
  done
  line=$($python bench/numpy_baseline.py $exp --reps "$reps" | tail -1)
  echo "$line" >&2
  rate[numpy_$exp]=$(echo "$line" | rate_of)
done

# localsgd on the paper configs, the same methods as the baselines: the
# median rate and its run's wall time.
localsgd_median() {
  local exp=$1 lines=(); shift
  for i in $(seq "$(runs_of "$exp")"); do
    ./build/localsgd run "$@" --quiet --out "$tmp/$exp$i"
    lines+=("$(localsgd_rate "$tmp/$exp$i/summary.json")")
  done
  printf '%s\n' "${lines[@]}" | sort -g | sed -n "$(( (${#lines[@]} + 1) / 2 ))p"
}
read -r rate[localsgd_S] wall[localsgd_S] < <(localsgd_median S configs/paper/speedup.toml \
  --set speedup.repetitions=150 \
  --set 'method=[{name="sync", schedule="synchronous"}, {name="increasing", schedule={type="increasing", rounds="N"}}, {name="one_shot", schedule="one_shot"}]')
read -r rate[localsgd_L] wall[localsgd_L] < <(localsgd_median L configs/paper/lower_bound.toml \
  --set repetitions=$l_reps --set speedup.repetitions=$l_reps)

echo
echo "Worker-steps/s; plain = scalar loop with philox4x64-ziggurat, SIMD plain = the floor"
echo "(philox4x32-boxmuller, SIMD kernel over repetitions); localsgd uses its default generator."
echo
echo "| experiment | plain, 1 / $cores cores | SIMD plain, 1 / $cores cores | NumPy | localsgd, $cores threads (wall) | localsgd / SIMD plain ($cores cores) | localsgd / plain | localsgd / NumPy |"
echo "|---|---|---|---|---|---|---|---|"
for exp in S L; do
  reps=150; [ $exp = L ] && reps=$l_reps
  $python - "$exp" "$reps" "${rate[plain_${exp}_1]}" "${rate[plain_${exp}_$cores]}" \
    "${rate[simd_${exp}_1]}" "${rate[simd_${exp}_$cores]}" \
    "${rate[numpy_$exp]}" "${rate[localsgd_$exp]}" "${wall[localsgd_$exp]}" <<'PY'
import sys
exp, reps, p1, pk, s1, sk, npy, lsgd, wall = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:])
print(f"| {exp} ({reps} reps) | {p1:.1f} / {pk:.1f} M/s | {s1:.1f} / {sk:.1f} M/s | {npy:.1f} M/s | "
      f"{lsgd:.1f} M/s ({wall:.2f} s) | {lsgd / sk:.2f} | {lsgd / pk:.2f} | {lsgd / npy:.1f}x |")
PY
done

echo
bench/breast_cancer.sh 2>/dev/null | tail -1
