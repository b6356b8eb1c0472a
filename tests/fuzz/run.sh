#!/usr/bin/env bash
# Fuzzes with libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, for
# SECONDS each (default 60) on one core:
#   config      config_fuzzer.cpp: parse_config, --set overrides and make_plan
#   checkpoint  checkpoint_fuzzer.cpp: run.json and batch files as resume reads them
#
#   tests/fuzz/run.sh [SECONDS] [config|checkpoint|all]     (or ./setup.sh fuzz [SECONDS])
#
# Needs Debian's clang and libclang-rt-dev (./setup.sh fuzz installs them).
# Builds build-fuzz/<target>_fuzzer, seeds build-fuzz/corpus (every shipped
# config, the broken-config corpus and tests/fuzz/seeds) and
# build-fuzz/corpus-checkpoint, and keeps the corpora between runs. A finding
# (crash, an exception other than the target's expected one, timeout,
# allocation over 512 MB, undefined behaviour) is written to
# build-fuzz/findings/ and makes the script exit non-zero; reproduce it with
# build-fuzz/<target>_fuzzer FILE.
set -euo pipefail
seconds=${1:-60}
which=${2:-all}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build-fuzz
cxx=$(command -v clang++ || command -v clang++-14 || true)
if [ -z "$cxx" ]; then
  echo "fuzz: needs clang++ (./setup.sh fuzz installs it)" >&2
  exit 2
fi
mkdir -p "$out/obj" "$out/corpus" "$out/findings"

# toml++ header-only, so that its parser is instrumented too, with its
# internal assertions off as in Debian's build of it (NDEBUG, GCC: no
# __builtin_assume). One of them, in parse_key, fires on "[#" before toml++
# reports the syntax error it reports in that build (upstream:
# marzer/tomlplusplus pull request 301); tests/configs/bad/syntax_header_hash.toml
# keeps that case. Our own asserts and Eigen's stay on.
flags=(-std=c++17 -O1 -g -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=all -fno-omit-frame-pointer -DTOML_HEADER_ONLY=1
       "-DTOML_ASSERT(expr)=static_assert(true)" -I"$root" -I/usr/include/eigen3)
sources=("$root"/tests/fuzz/config_fuzzer.cpp "$root"/tests/fuzz/checkpoint_fuzzer.cpp
         "$root"/runtime/store/checkpoint_file.cpp "$root"/runtime/config/*.cpp
         "$root"/runtime/components/*.cpp
         "$root"/runtime/plan/run_plan.cpp
         "$root"/runtime/io/dataset_reader.cpp
         "$root"/runtime/io/optimum_cache.cpp "$root"/runtime/io/atomic_file.cpp
         "$root"/runtime/io/printable.cpp "$root"/runtime/io/regular_file.cpp
         "$root"/numerics/*.cpp)
# An object is named by its source's path (numerics/ and runtime/components/
# share file names): runtime/io/printable.cpp -> runtime_io_printable.o.
obj_name() { local rel=${1#"$root"/}; rel=${rel%.cpp}; echo "${rel//\//_}.o"; }
export -f obj_name
export root
echo "fuzz: building $out/config_fuzzer and $out/checkpoint_fuzzer"
printf '%s\n' "${sources[@]}" |
  xargs -P 2 -I{} bash -c '"$0" "$@" -c {} -o "'"$out"'/obj/$(obj_name {})"' "$cxx" "${flags[@]}"
common=() # this build's objects only: obj/ may hold those of files since removed
for f in "${sources[@]}"; do
  case $(basename "$f") in
    config_fuzzer.cpp|checkpoint_fuzzer.cpp|checkpoint_file.cpp) ;;
    *) common+=("$out/obj/$(obj_name "$f")") ;;
  esac
done
"$cxx" -fsanitize=fuzzer,address,undefined "$out/obj/tests_fuzz_config_fuzzer.o" "${common[@]}" \
  -o "$out/config_fuzzer"
"$cxx" -fsanitize=fuzzer,address,undefined "$out/obj/tests_fuzz_checkpoint_fuzzer.o" \
  "$out/obj/runtime_store_checkpoint_file.o" "${common[@]}" -lcrypto -o "$out/checkpoint_fuzzer"

for f in "$root"/configs/*.toml "$root"/configs/*/*.toml "$root"/tests/configs/bad/*.toml \
         "$root"/tests/fuzz/seeds/*.toml; do
  cp "$f" "$out/corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
done
# The checkpoint fuzzer's first byte picks the mode (see checkpoint_fuzzer.cpp).
mkdir -p "$out/corpus-checkpoint"
printf '\000{"format": "localsgd run 2", "run": {}, "sha256": ""}' >"$out/corpus-checkpoint/seed-run"
printf '\001' >"$out/corpus-checkpoint/seed-raw"
printf '\002\240' >"$out/corpus-checkpoint/seed-sealed"
printf '\003\000\000\000' >"$out/corpus-checkpoint/seed-edit"
printf '\007\000\000\000' >"$out/corpus-checkpoint/seed-edit-shape"

cd "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [ "$which" = config ] || [ "$which" = all ]; then
  echo "fuzz: config_fuzzer for $seconds s"
  ./config_fuzzer corpus -dict="$root/tests/fuzz/config.dict" -max_total_time="$seconds" \
    -max_len=8192 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -artifact_prefix=findings/ -print_final_stats=1
fi
if [ "$which" = checkpoint ] || [ "$which" = all ]; then
  echo "fuzz: checkpoint_fuzzer for $seconds s"
  ./checkpoint_fuzzer corpus-checkpoint -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -rss_limit_mb=2048 -malloc_limit_mb=512 -artifact_prefix=findings/ -print_final_stats=1
fi
