#!/usr/bin/env bash
# A sweep with one diverging method (a constant step size too large for the
# noisy quadratic) beside good ones: exit 0, results for every method, the
# good ones' rows byte-identical to a sweep without the bad method, the
# diverged repetitions counted in summary.json, --fail-on-divergence exit 1,
# a resumed sweep with diverged repetitions equal to an uninterrupted one, and
# a served run whose remote workers diverge: the numbers of one process.
#   divergence_test.sh LOCALSGD SOURCE_DIR
set -u
bin=$1
src=$2
source "$(dirname "${BASH_SOURCE[0]}")/process_lib.sh" # check, start_server, wait_for
json() { # summary.json, then a python expression of s that must be true
  python3 -c "import json, sys; s = json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"
}

# The methods; "bad" (eta = 0.9) diverges in some repetitions (at N = 2;
# at N = 4 the average is steadier), "worse" (eta = 50) in all at once.
config() { # the methods to include
  cat <<EOF
name = "divergence"
seed = 7
repetitions = 16
T = 1000
N = [2, 4]
record_every = 100

[objective]
type = "noisy_quadratic"
dimension = 3
multiplicative_noise = 1.0
additive_noise = 0.5
x0 = [1.0, 1.0, 1.0]

[step_size]
type = "inverse_time"
alpha = 3.0
mu = 1.0
beta = 1.0
EOF
  for m in "$@"; do
    case $m in
      sync) printf '\n[[method]]\nname = "sync"\nschedule = "synchronous"\n' ;;
      bad) printf '\n[[method]]\nname = "bad"\nschedule = "synchronous"\nstep_size = { type = "constant", eta = 0.9 }\n' ;;
      worse) printf '\n[[method]]\nname = "worse"\nschedule = "stich"\nstep_size = { type = "constant", eta = 50.0 }\n' ;;
      constant) printf '\n[[method]]\nname = "constant"\nschedule = { type = "constant", rounds = "N" }\n' ;;
    esac
  done
}
config sync bad worse constant >"$tmp/with.toml"
config sync constant >"$tmp/without.toml"
config bad worse >"$tmp/bad.toml"

"$bin" run "$tmp/without.toml" --out "$tmp/without" --threads 2 >/dev/null 2>"$tmp/err0"
check "the sweep without the bad methods exits 0" test $? -eq 0
check "... and warns of nothing" test ! -s "$tmp/err0"

"$bin" run "$tmp/with.toml" --out "$tmp/with" --threads 2 >"$tmp/table" 2>"$tmp/err"
check "a sweep with diverging methods exits 0" test $? -eq 0
s=$tmp/with/summary.json
check "its summary is complete, with every entry" \
  json "$s" 's["complete"] and len(s["results"]) == 8'
check "the good entries report no divergence" \
  json "$s" 'all("diverged_repetitions" not in e for e in s["results"] if e["method"] in ("sync", "constant"))'
check "bad diverged at N = 2 in some repetitions, not all" \
  json "$s" 'all(0 < e["diverged_repetitions"] < 16 for e in s["results"] if e["method"] == "bad" and e["N"] == 2)'
check "worse diverged in every repetition" \
  json "$s" 'all(e["diverged_repetitions"] == 16 for e in s["results"] if e["method"] == "worse")'
check "every diverged repetition has its round and step, in order" \
  json "$s" 'all([d["repetition"] for d in e["divergence"]] == sorted({d["repetition"] for d in e["divergence"]}) and len(e["divergence"]) == e["diverged_repetitions"] and all(0 < d["round"] <= e["rounds"] and d["step"] <= 1000 for d in e["divergence"]) for e in s["results"] if "divergence" in e)'
check "bad: synchronous, so the round of a divergence is its step" \
  json "$s" 'all(d["round"] == d["step"] for e in s["results"] if e["method"] == "bad" for d in e.get("divergence", []))'
check "bad: final_error over the repetitions that did not diverge, and says so" \
  json "$s" 'all(e["final_error"]["mean"] is not None and e["statistics_over"] == "the %d repetitions that did not diverge" % (16 - e["diverged_repetitions"]) for e in s["results"] if e["method"] == "bad" and "divergence" in e)'
check "worse: no final error (null), over every repetition" \
  json "$s" 'all(e["final_error"]["mean"] is None and e["statistics_over"].startswith("every") for e in s["results"] if e["method"] == "worse")'
check "the table has a diverged column" grep -q "rounds diverged" "$tmp/table"
check "the table counts worse's 16 diverged repetitions" grep -Eq "^worse +2 +16 +[0-9]+ +16 " "$tmp/table"
check "one warning line names the diverged entries" \
  test "$(grep -Ec '^localsgd: warning: diverged: bad N=2 \([0-9]+ of 16 repetitions\)(, bad N=4 \([0-9]+ of 16 repetitions\))?, worse N=2 \(16 of 16 repetitions\), worse N=4 \(16 of 16 repetitions\)$' "$tmp/err")" -eq 1 -a "$(wc -l <"$tmp/err")" -eq 1
for f in rounds.csv trajectory.csv; do
  check "$f: the good methods' rows are those of the sweep without the bad ones" \
    cmp -s <(grep -Ev '^(bad|worse),' "$tmp/with/$f") "$tmp/without/$f"
done
check "rounds.csv keeps its shape: worse has a row per round" \
  json "$s" "[e['rounds'] + 1 for e in s['results'] if e['method'] == 'worse'] == [$(grep -c '^worse,2,' "$tmp/with/rounds.csv"), $(grep -c '^worse,4,' "$tmp/with/rounds.csv")]"
check "rounds.csv: worse's last round is nan" \
  test "$(grep '^worse,2,' "$tmp/with/rounds.csv" | tail -1 | cut -d, -f5)" = nan
check "trajectory.csv: worse's first row (the initial model) is finite" \
  test "$(grep '^worse,2,0,' "$tmp/with/trajectory.csv" | cut -d, -f4)" != nan

# Paired comparisons leave out the pairs where either side diverged, and count them.
check "paired: bad against sync over the repetitions that did not diverge" \
  json "$s" 'all(e["paired"]["repetitions"] == 16 - e.get("diverged_repetitions", 0) and e["paired"]["pairs_left_out"] == e.get("diverged_repetitions", 0) and e["paired"]["difference"] is not None for e in s["results"] if e["method"] == "bad")'
check "paired: worse, every pair left out, nothing estimated (null)" \
  json "$s" 'all(e["paired"]["repetitions"] == 0 and e["paired"]["pairs_left_out"] == 16 and e["paired"]["difference"] is None and e["paired"]["ratio"] is None and e["paired"]["interval"] is None for e in s["results"] if e["method"] == "worse")'
check "the table says worse has no paired estimate" grep -Eq "^worse .* n/a vs sync " "$tmp/table"
check "runs.csv: diverged and diverged_step as summary.json's divergence" python3 - "$s" "$tmp/with/runs.csv" <<'PY'
import csv, json, sys
s = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == sum(e["reps"] for e in s["results"]) == 4 * 2 * 16
for e in s["results"]:
    rs = [r for r in rows if r["method"] == e["method"] and int(r["N"]) == e["N"]]
    steps = {d["repetition"]: d["step"] for d in e.get("divergence", [])}
    for r in rs:
        rep = int(r["repetition"])
        assert r["diverged"] == ("1" if rep in steps else "0")
        assert r["diverged_step"] == (str(steps[rep]) if rep in steps else "")
        assert (r["final_error"] == "nan") == (rep in steps)
PY
"$bin" run "$tmp/with.toml" --out "$tmp/failing" --quiet --fail-on-divergence 2>"$tmp/err"
check "--fail-on-divergence exits 1 when a repetition diverged" test $? -eq 1
check "... after writing the complete results" json "$tmp/failing/summary.json" 's["complete"]'
check "... with one line naming the diverged entries" \
  test "$(wc -l <"$tmp/err")" -eq 1 -a "$(grep -c '^localsgd: error: diverged: bad N=2 (.*worse N=4 (16 of 16 repetitions)$' "$tmp/err")" -eq 1
for f in rounds.csv trajectory.csv; do
  check "... and the same $f" cmp -s "$tmp/with/$f" "$tmp/failing/$f"
done
"$bin" run "$tmp/without.toml" --out "$tmp/fine" --quiet --fail-on-divergence
check "--fail-on-divergence exits 0 when nothing diverged" test $? -eq 0

# --- killed with diverged repetitions in its checkpoints, resumed ----------
long=("$tmp/bad.toml" --set repetitions=200 --set checkpoint.interval=0.02 --quiet --threads 1)
"$bin" run "${long[@]}" --set checkpoint.enabled=false --out "$tmp/whole" 2>/dev/null
check "the uninterrupted long sweep exits 0" test $? -eq 0
"$bin" run "${long[@]}" --out "$tmp/killed" & victim=$!; pids+=("$victim")
# Killed once a batch checkpointed; "worse" diverges in its first rounds.
for _ in $(seq 1000); do
  ls "$tmp/killed/checkpoint/"batch-*.ckpt >/dev/null 2>&1 && break
  sleep 0.01
done
kill -9 "$victim"; wait "$victim" 2>/dev/null
check "the killed sweep left checkpoints and no summary" \
  test -e "$tmp/killed/checkpoint/run.json" -a ! -e "$tmp/killed/summary.json"
"$bin" run --resume "$tmp/killed" --quiet --threads 1 2>/dev/null
check "run --resume exits 0" test $? -eq 0
for f in trajectory.csv rounds.csv; do
  check "resumed $f identical to the uninterrupted sweep" cmp -s "$tmp/whole/$f" "$tmp/killed/$f"
done
check "resumed summary: the same divergence" \
  python3 -c "import json, sys; a, b = (json.load(open(p))['results'] for p in sys.argv[1:]); sys.exit(0 if [e.get('divergence') for e in a] == [e.get('divergence') for e in b] else 1)" "$tmp/whole/summary.json" "$tmp/killed/summary.json"

# --- across processes: NaN from a remote worker is divergence, not hostility --
# Two worker processes of one id each: their traces are not averaged.
start_server "$tmp/serve.log" "$tmp/with.toml" --method bad --n 2 --out "$tmp/served"
"$bin" join "127.0.0.1:$port" --workers 1 >"$tmp/j1.log" 2>&1 & j1=$!
"$bin" join "127.0.0.1:$port" --workers 1 >"$tmp/j2.log" 2>&1 & j2=$!
pids+=("$j1" "$j2")
wait_for "$serve_pid" 60; check "a served run with diverging repetitions exits 0" test "$rc" -eq 0
for j in "$j1" "$j2"; do
  wait_for "$j" 10; check "its worker process exits 0" test "$rc" -eq 0
done
for f in trajectory.csv rounds.csv; do
  check "served $f: the numbers of one process" \
    cmp -s <(grep '^bad,2,' "$tmp/with/$f") <(tail -n +2 "$tmp/served/$f")
done
check "served summary: the same divergence as in one process" \
  python3 -c "import json, sys; a = [e for e in json.load(open(sys.argv[1]))['results'] if e['method'] == 'bad' and e['N'] == 2]; b = json.load(open(sys.argv[2]))['results']; sys.exit(0 if a[0]['divergence'] == b[0]['divergence'] else 1)" "$tmp/with/summary.json" "$tmp/served/summary.json"

# The same served run with --fail-on-divergence: results written, exit 1.
start_server "$tmp/serve_strict.log" "$tmp/with.toml" --method bad --n 2 --out "$tmp/strict" \
  --fail-on-divergence
"$bin" join "127.0.0.1:$port" --workers 2 >"$tmp/j3.log" 2>&1 & j3=$!
pids+=("$j3")
wait_for "$serve_pid" 60
check "serve --fail-on-divergence exits 1" test "$rc" -eq 1
check "... after writing complete results" grep -q '"complete": true' "$tmp/strict/summary.json"
check "... naming what diverged" grep -q "error: diverged: bad N=2" "$tmp/serve_strict.log"

echo "divergence: $passes passed, $failures failed"
test "$failures" -eq 0
