#!/usr/bin/env bash
# [faults.inject] end to end: the planned losses show in rounds.csv's workers
# column, the numbers are the same for any thread count, an empty table
# changes no number, and the abort policy and serve refuse the table (exit 2).
#   inject_test.sh LOCALSGD SOURCE_DIR
set -u
bin=$1
source "$(dirname "${BASH_SOURCE[0]}")/process_lib.sh" # check, same_csvs

config() { # extra lines for [faults.inject]
  cat <<EOF
seed = 3
repetitions = 6
T = 100
N = [4]
record_every = 10
[objective]
type = "noisy_quadratic"
dimension = 3
x0 = 1.0
[[method]]
name = "constant"
schedule = { type = "constant", rounds = 5 }
[faults]
on_worker_loss = "continue"
[faults.inject]
$1
EOF
}
run() { # config file, output folder, flags...
  local c=$1 o=$2; shift 2
  "$bin" run "$c" --out "$o" --quiet "$@" 2>"$o.err"
}

config 'lose_workers = [1, 3]
lose_rounds = [2, 2]
replace_after = 2' > "$tmp/fixed.toml"
run "$tmp/fixed.toml" "$tmp/fixed1" --threads 1
check "losses at round 2, replaced at round 4: workers 4 4 2 2 4 4" \
  test "$(cut -d, -f7 "$tmp/fixed1/rounds.csv" | tail -n +2 | tr '\n' ' ')" = "4 4 2 2 4 4 "
run "$tmp/fixed.toml" "$tmp/fixed2" --threads 2
check "fixed losses: the same numbers on 1 and 2 threads" same_csvs "$tmp/fixed1" "$tmp/fixed2"
check "no line per simulated loss" test ! -s "$tmp/fixed1.err"

config 'probability = 0.15
replace_after = 1' > "$tmp/random.toml"
run "$tmp/random.toml" "$tmp/random1" --threads 1
run "$tmp/random.toml" "$tmp/random2" --threads 2 --set runtime.max_concurrent_runs=1
check "random losses: the same numbers on 1 and 2 threads" same_csvs "$tmp/random1" "$tmp/random2"
check "random losses: some round averaged fewer than 4" \
  python3 -c "import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if s['results'][0]['fewest_workers_averaged'] < 4 else 1)" "$tmp/random1/summary.json"

# Stragglers: lognormal step times, a deadline of 1 x H x the slowest rate
# seen, in simulated seconds. They are lost, the same on 1 and 2 threads, and
# rounds no longer wait for them.
config 'stragglers = true
replace_after = 1' | sed 's/^N = \[4\]/N = [16]/' > "$tmp/stragglers.toml"
cat >> "$tmp/stragglers.toml" <<EOF
[cluster_model]
step_seconds = 0.001
step_spread = 1.0
latency = 0.001
bandwidth = 1e9
EOF
sets=(--set faults.deadline_factor=1 --set faults.deadline_floor=0.001)
run "$tmp/stragglers.toml" "$tmp/slow1" --threads 1 "${sets[@]}"
run "$tmp/stragglers.toml" "$tmp/slow2" --threads 2 "${sets[@]}"
run "$tmp/stragglers.toml" "$tmp/slow0" "${sets[@]}" --set faults.inject.stragglers=false
check "stragglers: the same numbers on 1 and 2 threads" same_csvs "$tmp/slow1" "$tmp/slow2"
check "stragglers: some round averaged fewer than 16" \
  test "$(cut -d, -f7 "$tmp/slow1/rounds.csv" | tail -n +2 | sort -n | head -1)" -lt 16
check "stragglers: nobody is lost without the rule" \
  test "$(cut -d, -f7 "$tmp/slow0/rounds.csv" | tail -n +2 | sort -n | head -1)" = 16
check "stragglers: the rounds end sooner than when they wait for them" \
  python3 -c "import csv,sys; end=lambda f: float(list(csv.DictReader(open(f)))[-1]['sim_seconds']); sys.exit(0 if end(sys.argv[1]) < end(sys.argv[2]) else 1)" "$tmp/slow1/rounds.csv" "$tmp/slow0/rounds.csv"

# An empty table loses nothing: the numbers of a run without it.
config '' > "$tmp/empty.toml"
config '' | grep -v 'faults.inject' > "$tmp/none.toml"
run "$tmp/empty.toml" "$tmp/empty"
run "$tmp/none.toml" "$tmp/none"
check "an empty [faults.inject] changes no number" same_csvs "$tmp/empty" "$tmp/none"

# Under the abort policy the first injected loss would end the run: refused.
sed 's/on_worker_loss = "continue"/on_worker_loss = "abort"/' "$tmp/fixed.toml" > "$tmp/abort.toml"
run "$tmp/abort.toml" "$tmp/abort"
rc=$?
check "abort policy with injected losses: exit 2" test "$rc" = 2
check "abort policy with injected losses: one line naming the key" \
  bash -c "[ \$(wc -l < '$tmp/abort.err') = 1 ] && grep -q 'faults.on_worker_loss: must be \"continue\"' '$tmp/abort.err'"
check "abort policy with injected losses: nothing written" test ! -e "$tmp/abort"

"$bin" serve "$tmp/fixed.toml" --out "$tmp/serve" 2>"$tmp/serve.err"
rc=$?
check "serve refuses [faults.inject]: exit 2" test "$rc" = 2
check "serve refuses [faults.inject]: one line" \
  bash -c "[ \$(wc -l < '$tmp/serve.err') = 1 ] && grep -q 'faults.inject' '$tmp/serve.err'"

# A round that loses every worker fails the run (exit 1; the rounds every
# repetition completed are written, if the batches it stopped had completed
# any) and, as the same config would fail again, gives no resume hint.
config 'lose_workers = [0, 1, 2, 3]
lose_rounds = [3, 3, 3, 3]' > "$tmp/all.toml"
printf '[checkpoint]\nenabled = true\n' >> "$tmp/all.toml"
run "$tmp/all.toml" "$tmp/all"
rc=$?
check "every worker lost in a round: exit 1" test "$rc" = 1
check "every worker lost in a round: the line says so" grep -q "no workers" "$tmp/all.err"
check "every worker lost in a round: no advice to --resume" \
  sh -c "! grep -q 'to continue' '$tmp/all.err'"
check "every worker lost in a round: nothing that looks complete" \
  bash -c "! grep -qs '\"complete\": true' '$tmp/all/summary.json'"

# A sweep whose N = 2 entry fails (it loses both its workers) reports the
# N = 4 entry that completed before it (one batch at a time: deterministic),
# marked incomplete, with the numbers of a run of N = 4 alone.
config 'lose_workers = [0, 1]
lose_rounds = [2, 2]' | sed 's/^N = \[4\]/N = [4, 2]/' > "$tmp/sweep.toml"
printf '[runtime]\nmax_concurrent_runs = 1\n' >> "$tmp/sweep.toml"
run "$tmp/sweep.toml" "$tmp/sweep"
rc=$?
check "a failed sweep: exit 1" test "$rc" = 1
check "a failed sweep: says which entries its results hold" \
  grep -q "the 1 of 2 entries that completed are in" "$tmp/sweep.err"
check "a failed sweep: the results say incomplete and why" \
  grep -q '"failure": ".*N = 2.*no workers left for round 2 (1 of 2 method x N entries' \
  "$tmp/sweep/summary.json"
sed 's/^N = \[4, 2\]/N = [4]/' "$tmp/sweep.toml" > "$tmp/four.toml"
run "$tmp/four.toml" "$tmp/four"
check "a failed sweep: its N = 4 entry as a run of N = 4 alone" same_csvs "$tmp/sweep" "$tmp/four"

echo "inject: $passes passed, $failures failed"
[ "$failures" = 0 ]
