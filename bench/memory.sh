#!/usr/bin/env bash
# Peak memory (RSS) of localsgd runs against the size of their models
# (N x repetitions x d doubles held by the workers), whatever T and
# record_every: the bound of issue 11 (about 3x the models, plus the
# process and a few d-vectors of the objective and the config).
#
#   bench/memory.sh [BUILD_DIR]     (default: build)
# Prints a Markdown table (README, "Memory").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/${1:-build}/localsgd
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Peak RSS in MB of one command (the child's ru_maxrss, from Python).
peak_mb() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f}")
PY
}

cat >"$tmp/big.toml" <<'TOML'
name = "memory"
seed = 7
repetitions = 2
T = 50
N = 8
record_every = 1
[objective]
type = "noisy_quadratic"
dimension = 1000000
curvature = 1.0
multiplicative_noise = 0.5
additive_noise = 0.1
x0 = 1.0
[step_size]
type = "inverse_time"
alpha = 1.0
mu = 1.0
beta = 2.0
[[method]]
name = "one_shot"
schedule = "one_shot"
TOML

echo "| run | d | N x reps | T | record_every | models (MB) | peak RSS (MB) | peak / models |"
echo "|---|---|---|---|---|---|---|---|"
row() { # label d N reps T every -- args...
  local label=$1 d=$2 n=$3 reps=$4 T=$5 every=$6; shift 7
  local models=$((d * n * reps * 8 / 1000000))
  local peak
  peak=$(peak_mb "$bin" run "$@" --quiet --overwrite --out "$tmp/out")
  echo "| $label | $d | $n x $reps | $T | $every | $models | $peak | $(python3 -c "print(f'{$peak / $models:.1f}x')") |"
}
# The process alone (CAF, the binary, a model of one double): the part of
# every row that does not grow with the models.
echo "| the process alone (d = 1) | 1 | 8 x 2 | 50 | 1 | 0 | $(peak_mb "$bin" run "$tmp/big.toml" --set objective.dimension=1 --quiet --overwrite --out "$tmp/out") | - |"
row "one-shot (issue 11's case)" 1000000 8 2 50 1 -- "$tmp/big.toml"
row "one-shot, T = 200" 1000000 8 2 200 1 -- "$tmp/big.toml" --set T=200
row "sync, T = 50" 1000000 8 2 50 1 -- "$tmp/big.toml" --set 'method=[{name="sync",schedule="synchronous"}]'
row "configs/cluster/large_model.toml" 1000000 4 1 100 10 -- "$root/configs/cluster/large_model.toml"
row "... record_every = 1" 1000000 4 1 100 1 -- "$root/configs/cluster/large_model.toml" --set record_every=1
