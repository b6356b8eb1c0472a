#!/usr/bin/env bash
# Installs what is missing (Debian bookworm packages), builds, then runs the
# default experiment (./setup.sh run), every test (./setup.sh test), the
# benchmarks with their NumPy and MPI baselines (./setup.sh bench), the
# config parser's and the checkpoint reader's fuzzers for SECONDS each
# (./setup.sh fuzz [SECONDS]), or every
# test under ASan and UBSan in build-asan/ (./setup.sh sanitize).
set -euo pipefail
cd "$(dirname "$0")"

packages=(cmake make g++ libcaf-dev libeigen3-dev libtomlplusplus-dev doctest-dev
          libcli11-dev nlohmann-json3-dev librandom123-dev libboost-dev python3
          python3-matplotlib libssl-dev openssl libjemalloc-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The benchmarks' baselines: NumPy and OpenMPI (./setup.sh bench only).
if [ "${1:-}" = bench ]; then
  for p in python3-numpy openmpi-bin libopenmpi-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# The fuzzer's compiler: clang with libFuzzer and the sanitizers (./setup.sh fuzz only).
if [ "${1:-}" = fuzz ]; then
  missing=()
  for p in clang libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
  exec tests/fuzz/run.sh "${2:-60}"
fi

jobs=$(nproc 2>/dev/null || echo 2)
if [ "${1:-}" = sanitize ]; then
  JOBS=$jobs exec tests/sanitize.sh
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"

case "${1:-run}" in
  run)  shift || true
        ./build/localsgd run configs/paper/quadratic.toml --out results/quadratic --overwrite "$@"
        ./build/localsgd plot results/quadratic ;;
  test) ctest --test-dir build --output-on-failure -j "$jobs" ;;
  build) ;;
  bench) bench/run.sh --full && bench/network.sh ;;
  *) echo "usage: ./setup.sh [run|test|build|bench|fuzz [SECONDS]|sanitize]" >&2; exit 2 ;;
esac
