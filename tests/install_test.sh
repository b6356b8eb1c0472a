#!/usr/bin/env bash
# The installed package from outside our tree: install to a temporary prefix,
# copy examples/custom_objective elsewhere, build it against the prefix alone,
# and use its custom_localsgd (a new objective behind localsgd's command line)
# for check, keys, run, and serve with join.
#   install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1; src=$2
tmp=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "install_test: $*"; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cp -r "$src/examples/custom_objective" "$tmp/example"
launcher=(); command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$tmp/example" -B "$tmp/example/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
      "${launcher[@]}" >/dev/null
cmake --build "$tmp/example/build" -j 2 >/dev/null
bin=$tmp/example/build/custom_localsgd
cd "$tmp/example"

# (Outputs go to files first: grep -q would close a pipe early, and pipefail
# would count the writer's SIGPIPE as a failure.)
"$bin" check config.toml >"$tmp/check.txt"
grep -q "quartic bowl" "$tmp/check.txt" || fail "check does not show the quartic"
"$bin" keys quartic >"$tmp/keys.txt"
grep -q "weight of the quartic part" "$tmp/keys.txt" || fail "keys does not list its keys"
"$bin" keys >"$tmp/all_keys.txt"
grep -q 'type = "noisy_quadratic"' "$tmp/all_keys.txt" || fail "the built-in components are missing"
"$bin" run config.toml --out "$tmp/run" --quiet --threads 2
python3 - "$tmp/run/summary.json" <<'PY' || fail "run: unexpected summary"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["complete"] and s["config"]["objective"]["type"] == "quartic"
errors = {(e["method"], e["N"]): e["final_error"]["mean"] for e in s["results"]}
assert 0 < errors[("increasing", 16)] < errors[("increasing", 4)] < s["s1"]["mean"], errors
PY
# A bad key of the new objective is one line and exit 2, like a built-in's.
set +e
"$bin" check config.toml --set objective.b=-1 2>"$tmp/err"; code=$?
set -e
[ $code = 2 ] && grep -q "objective.b: must be >= 0" "$tmp/err" || fail "bad key: exit $code"

# serve one (method, N) and join it from a second process: the same numbers as run.
"$bin" serve config.toml --method increasing --n 4 --listen 127.0.0.1:0 --out "$tmp/served" \
  --set speedup.enabled=false >"$tmp/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q 'serving' "$tmp/serve.log" && break; sleep 0.1; done
address=$(grep -o '127\.0\.0\.1:[0-9]*' "$tmp/serve.log" | head -1)
[ -n "$address" ] || fail "serve did not start: $(cat "$tmp/serve.log")"
timeout 60 "$bin" join "$address" --workers 4 >/dev/null
wait "${pids[0]}" || fail "serve failed: $(cat "$tmp/serve.log")"
"$bin" run config.toml --out "$tmp/local" --quiet --set speedup.enabled=false \
  --set 'method=[{name = "increasing", schedule = { type = "increasing", rounds = "N" }}]' \
  --set N=4 --set runtime.repetitions_per_actor=20
cmp "$tmp/served/rounds.csv" "$tmp/local/rounds.csv" || fail "serve and run differ"
echo "install_test: the example builds against the installed package and runs"
