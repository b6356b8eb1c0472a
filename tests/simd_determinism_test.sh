#!/usr/bin/env bash
# The same config and seed give byte-identical results CSVs whatever the
# thread count, actor layout or SIMD path (LSGD_SIMD), for both generators,
# and for the data objectives' kernels (breast cancer).
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
passes=0
check() { # description, then a command that must succeed
  local what=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
same() { # two result folders: identical CSVs
  cmp -s "$1/trajectory.csv" "$2/trajectory.csv" && cmp -s "$1/rounds.csv" "$2/rounds.csv"
}

# S (skewed quadratic, SIMD step kernel), FedAC (random_stream's cache) and Q
# (noisy quadratic kernel), small.
s_cfg="$src/configs/paper/speedup.toml"
s_small=(--set T=200 --set 'N=[2, 5, 8]' --set repetitions=11 --set speedup.repetitions=13
         --set 'method=[{name="inc", schedule={type="increasing", rounds="N"}}, {name="osa", schedule="one_shot"}, {name="fedac1", optimizer="fedac1", schedule={type="constant", rounds="sqrt(N)"}}]')
q_cfg="$src/configs/paper/quadratic.toml"
q_small=(--set repetitions=9 --set T=200 --set record_every=7)

paths=(scalar)
for p in avx2 avx512; do
  if LSGD_SIMD=$p "$bin" run "$s_cfg" "${s_small[@]}" --set T=20 --quiet --out "$tmp/probe_$p" \
       2>"$tmp/probe_err"; then
    paths+=("$p")
  else
    check "LSGD_SIMD=$p refused only for lack of the CPU" grep -q "cannot run that path" "$tmp/probe_err"
  fi
done
echo "SIMD paths on this CPU: ${paths[*]}"

for generator in philox4x32-boxmuller philox4x64-ziggurat; do
  for exp in s q; do
    if [ $exp = s ]; then cfg=$s_cfg; small=("${s_small[@]}"); else cfg=$q_cfg; small=("${q_small[@]}"); fi
    base="$tmp/${exp}_${generator}_base"
    "$bin" run "$cfg" "${small[@]}" --set random.generator=$generator --quiet --out "$base"
    check "$exp $generator runs" test $? -eq 0
    i=0
    for layout in "runtime.threads=1" "runtime.workers_per_actor=3" \
                  "runtime.repetitions_per_actor=4" "runtime.workers_per_actor=1"; do
      i=$((i + 1))
      "$bin" run "$cfg" "${small[@]}" --set random.generator=$generator --set "$layout" \
        --set runtime.repetitions_per_actor=2 --quiet --out "$tmp/${exp}_${generator}_l$i"
      check "$exp $generator: $layout gives the same CSVs" same "$base" "$tmp/${exp}_${generator}_l$i"
    done
    for p in "${paths[@]}"; do
      LSGD_SIMD=$p "$bin" run "$cfg" "${small[@]}" --set random.generator=$generator \
        --set runtime.workers_per_actor=2 --quiet --out "$tmp/${exp}_${generator}_$p"
      check "$exp $generator: LSGD_SIMD=$p gives the same CSVs" same "$base" "$tmp/${exp}_${generator}_$p"
    done
  done
done
# Breast cancer (the data objectives' SGD, sigmoid and softplus kernels), small:
# every path and interleave, the same bytes.
b_cfg="$src/configs/real/breast_cancer.toml"
b_small=(--set T=300 --set 'N=[2, 5]' --set repetitions=5 --set speedup.repetitions=7
         --set record_every=50)
"$bin" run "$b_cfg" "${b_small[@]}" --quiet --out "$tmp/bc_base"
check "breast cancer runs" test $? -eq 0
for p in "${paths[@]}"; do
  LSGD_SIMD=$p "$bin" run "$b_cfg" "${b_small[@]}" --set runtime.workers_per_actor=3 \
    --quiet --out "$tmp/bc_$p"
  check "breast cancer: LSGD_SIMD=$p gives the same CSVs" same "$tmp/bc_base" "$tmp/bc_$p"
done

check "the two generators draw different numbers" \
  bash -c "! cmp -s '$tmp/s_philox4x32-boxmuller_base/trajectory.csv' '$tmp/s_philox4x64-ziggurat_base/trajectory.csv'"

LSGD_SIMD=sse9 "$bin" run "$s_cfg" "${s_small[@]}" --quiet --out "$tmp/bad" 2>"$tmp/err"
check "an unknown LSGD_SIMD exits 2" test $? -eq 2
check "an unknown LSGD_SIMD is named" grep -q "LSGD_SIMD=sse9" "$tmp/err"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
