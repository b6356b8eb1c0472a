#!/usr/bin/env bash
# Whole sweeps across processes (serve without --method/--n): the same result
# files as `localsgd run` for a pool of nodes with different --workers and a
# node that joins late; a node killed mid-sweep under on_worker_loss =
# "continue" (the affected batch equals [faults.inject] losing those ids at
# that round), a node that leaves between batches and "abort" (exit 1, one line, nothing that looks complete); a
# pool too small for the largest N (exit 1, one line, no hang); the chain
# reduction, with the same results; a sweep killed mid-way continued by serve
# --resume (on another pool) or by run --resume, with the same results.
#   sweep_test.sh LOCALSGD SOURCE_DIR
set -u
bin=$1
source "$(dirname "${BASH_SOURCE[0]}")/process_lib.sh" # check, start_server, wait_for

cat >"$tmp/sweep.toml" <<'EOF'
name = "sweep"
seed = 5
repetitions = 3
T = 60
N = [2, 4]
record_every = 10
[objective]
type = "noisy_quadratic"
dimension = 3
x0 = 1.0
[[method]]
name = "constant"
schedule = { type = "constant", rounds = 4 }
[[method]]
name = "oneshot"
schedule = "one_shot"
[speedup]
enabled = true
repetitions = 4
[runtime]
repetitions_per_actor = 2
EOF
same() { # two result folders: the same CSVs (same_csvs) and summary numbers
  same_csvs "$1" "$2" || return 1
  python3 - "$1/summary.json" "$2/summary.json" <<'EOF'
import json, sys
def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in ("provenance", "wall_seconds")}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x
a, b = (strip(json.load(open(p))) for p in sys.argv[1:])
sys.exit(0 if a == b else 1)
EOF
}
"$bin" run "$tmp/sweep.toml" --out "$tmp/local" --quiet

# --- a fixed pool of three nodes (1 + 2 + 1 ids) --------------------------------
start_server "$tmp/fixed.log" "$tmp/sweep.toml" --out "$tmp/fixed" --join-timeout 30
"$bin" join "127.0.0.1:$port" --workers 1 >"$tmp/f1.log" 2>&1 & f1=$!
"$bin" join "127.0.0.1:$port" --workers 2 --threads 2 >"$tmp/f2.log" 2>&1 & f2=$!
"$bin" join "127.0.0.1:$port" --workers 1 >"$tmp/f3.log" 2>&1 & f3=$!
pids+=("$f1" "$f2" "$f3")
wait_for "$serve_pid" 60; check "whole sweep: serve exits 0" test "$rc" -eq 0
for j in "$f1" "$f2" "$f3"; do
  wait_for "$j" 10; check "whole sweep: the node exits 0" test "$rc" -eq 0
done
check "whole sweep: the same results as localsgd run" same "$tmp/local" "$tmp/fixed"
check "whole sweep: the singles ran too" grep -q '^single,1,' "$tmp/fixed/runs.csv"

# --- a node that joins late: the N = 4 batches wait for it ---------------------
start_server "$tmp/late.log" "$tmp/sweep.toml" --out "$tmp/late" --join-timeout 30
"$bin" join "127.0.0.1:$port" --workers 2 >"$tmp/l1.log" 2>&1 & l1=$!
pids+=("$l1")
wait_for_line 'node 0 joined' 20 "$tmp/late.log"
check "late node: the pool says it waits (once the batches before are done)" \
  wait_for_line 'the pool holds 2 worker ids, .*needs 4: waiting' 20 "$tmp/late.log"
check "late node: nothing needing 4 ids was placed before it" \
  test "$(grep -c '^localsgd: batch [0-9]*, .*N = 4,' "$tmp/late.log")" -eq 0
"$bin" join "127.0.0.1:$port" --workers 2 >"$tmp/l2.log" 2>&1 & l2=$!
pids+=("$l2")
wait_for "$serve_pid" 60; check "late node: serve exits 0" test "$rc" -eq 0
wait_for "$l1" 10; check "late node: the first node exits 0" test "$rc" -eq 0
wait_for "$l2" 10; check "late node: the late node exits 0" test "$rc" -eq 0
check "late node: the same results as localsgd run" same "$tmp/local" "$tmp/late"

# --- a node that leaves between batches: the pool waits for others -------------
start_server "$tmp/leave.log" "$tmp/sweep.toml" --out "$tmp/leave" --join-timeout 30
"$bin" join "127.0.0.1:$port" --workers 3 >/dev/null 2>&1 & leaver=$!
pids+=("$leaver")
# The N = 2 batches ran; the first N = 4 one waits, and nothing runs on the node.
wait_for_line 'the pool holds 3 worker ids, .*N = 4.* needs 4: waiting' 20 "$tmp/leave.log" \
  || { echo "no wait line:"; cat "$tmp/leave.log"; }
kill -9 "$leaver"
wait_for_line 'node 0 \(3 worker ids\) left the pool; 0 ids remain' 20 "$tmp/leave.log"
check "leave: the node's leaving is logged" grep -q 'node 0 (3 worker ids) left the pool' \
  "$tmp/leave.log"
"$bin" join "127.0.0.1:$port" --workers 2 >/dev/null 2>&1 & n1=$!
"$bin" join "127.0.0.1:$port" --workers 2 >/dev/null 2>&1 & n2=$!
pids+=("$n1" "$n2")
wait_for "$serve_pid" 60; check "leave: serve exits 0" test "$rc" -eq 0
check "leave: the same results as localsgd run" same "$tmp/local" "$tmp/leave"

# --- a node killed mid-sweep ---------------------------------------------------
# Two methods of N = 4, one batch each, long enough to kill a node inside the first.
cat >"$tmp/long.toml" <<'EOF'
name = "long"
seed = 7
repetitions = 20
T = 80000
N = [4]
record_every = 8000
[objective]
type = "noisy_quadratic"
dimension = 3
x0 = 1.0
[[method]]
name = "first"
schedule = { type = "constant", rounds = 4000 }
[[method]]
name = "second"
schedule = { type = "constant", rounds = 4000 }
[runtime]
repetitions_per_actor = 20
[faults]
on_worker_loss = "continue"
EOF
start_server "$tmp/cont.log" "$tmp/long.toml" --out "$tmp/cont" --join-timeout 30
"$bin" join "127.0.0.1:$port" --workers 2 >"$tmp/c1.log" 2>&1 & c1=$!
wait_for_line 'node 0 joined' 20 "$tmp/cont.log"
# One thread: its two ids are one block, lost in the same round.
"$bin" join "127.0.0.1:$port" --workers 2 --threads 1 >/dev/null 2>&1 & victim=$!
pids+=("$c1" "$victim")
wait_for_line 'batch 0, .*on nodes' 20 "$tmp/cont.log"
sleep 1
kill -9 "$victim"
wait_for_line 'left the pool' 20 "$tmp/cont.log"
# The second batch needs 4 ids again: a replacement node.
"$bin" join "127.0.0.1:$port" --workers 2 >"$tmp/c3.log" 2>&1 & c3=$!
pids+=("$c3")
wait_for "$serve_pid" 120; check "continue: serve exits 0" test "$rc" -eq 0
wait_for "$c1" 10; check "continue: the surviving node exits 0" test "$rc" -eq 0
wait_for "$c3" 10; check "continue: the replacement node exits 0" test "$rc" -eq 0
check "continue: the loss is logged" grep -q "2 of 4 workers remain" "$tmp/cont.log"
# The round the first method lost two workers in, and the same loss injected.
loss=$(awk -F, '$1 == "first" && $7 == 2 { print $3; exit }' "$tmp/cont/rounds.csv")
# Which ids the node held depends on the order its actors joined in: the
# server's loss line names them ("lost workers A..B").
lost=$(sed -nE 's/.*lost workers ([0-9]+)\.\.([0-9]+) .*/\1 \2/p' "$tmp/cont.log" | head -n 1)
if [ -n "$loss" ] && [ -n "$lost" ]; then
  read -r first_id last_id <<<"$lost"
  check "continue: the lost node held two ids" test $((last_id - first_id)) -eq 1
  { cat "$tmp/long.toml"; printf '[faults.inject]\nlose_workers = [%s, %s]\nlose_rounds = [%s, %s]\n' \
      "$first_id" "$last_id" "$loss" "$loss"; } >"$tmp/inject.toml"
  "$bin" run "$tmp/inject.toml" --out "$tmp/inject" --quiet --overwrite 2>/dev/null
  check "continue: the affected batch equals [faults.inject] losing workers $first_id..$last_id at round $loss" \
    bash -c "cmp -s <(grep '^first,' '$tmp/cont/rounds.csv') <(grep '^first,' '$tmp/inject/rounds.csv') \
             && cmp -s <(grep '^first,' '$tmp/cont/trajectory.csv') <(grep '^first,' '$tmp/inject/trajectory.csv')"
  "$bin" run "$tmp/long.toml" --out "$tmp/long_local" --quiet
  check "continue: the batch after the loss equals localsgd run" \
    cmp -s <(grep '^second,' "$tmp/cont/rounds.csv") <(grep '^second,' "$tmp/long_local/rounds.csv")
else
  echo "note: the node was lost between the batches (no round of \"first\" averaged 2)"
fi

# abort: the sweep fails with one line and writes nothing that looks complete.
start_server "$tmp/abort.log" "$tmp/long.toml" --set faults.on_worker_loss=abort \
  --out "$tmp/abort" --join-timeout 30
"$bin" join "127.0.0.1:$port" --workers 2 >"$tmp/a1.log" 2>&1 & a1=$!
wait_for_line 'node 0 joined' 20 "$tmp/abort.log"
"$bin" join "127.0.0.1:$port" --workers 2 >/dev/null 2>&1 & victim=$!
pids+=("$a1" "$victim")
wait_for_line 'batch 0, .*on nodes' 20 "$tmp/abort.log"
sleep 1
kill -9 "$victim"
wait_for "$serve_pid" 30; check "abort: serve exits 1" test "$rc" -eq 1
check "abort: one line names the batch and the loss" \
  grep -q 'the sweep failed: run of method "first", N = 4, repetitions 0 .. 19 failed: .*lost' \
  "$tmp/abort.log"
check "abort: no summary.json that looks complete" \
  bash -c "! grep -qs '\"complete\": true' '$tmp/abort/summary.json'"
wait_for "$a1" 10; check "abort: the surviving node exits 1" test "$rc" -eq 1

# --- a pool too small for the largest N ----------------------------------------
start_server "$tmp/small.log" "$tmp/sweep.toml" --out "$tmp/small" --join-timeout 3
"$bin" join "127.0.0.1:$port" --workers 3 >"$tmp/s1.log" 2>&1 & s1=$!
pids+=("$s1")
wait_for "$serve_pid" 30; check "small pool: serve exits 1" test "$rc" -eq 1
check "small pool: one line says what the pool holds and needs" \
  grep -q 'the sweep failed: the pool of joined nodes holds 3 worker ids, the run of .*N = 4.* needs 4' \
  "$tmp/small.log"
check "small pool: nothing that looks complete" \
  bash -c "! grep -qs '\"complete\": true' '$tmp/small/summary.json'"
# The entries that completed before it failed (which ones depends on timing)
# are reported, marked incomplete, with the numbers of localsgd run.
partial_of_local() {
  [ -e "$1/summary.json" ] || return 0
  grep -q '"complete": false' "$1/summary.json" || return 1
  [ -z "$(comm -23 <(without_wall_seconds "$1/runs.csv" | sort) \
                   <(without_wall_seconds "$tmp/local/runs.csv" | sort))" ]
}
check "small pool: what it reports are complete entries of localsgd run" \
  partial_of_local "$tmp/small"
wait_for "$s1" 10; check "small pool: the node exits 1" test "$rc" -eq 1

# --- checkpoints: a sweep killed mid-way continues by serve --resume or run --resume
# The sweep above, longer, without the singles, with frequent checkpoints.
ck=("$tmp/sweep.toml" --set T=40000 --set repetitions=4 --set record_every=4000
    --set method.0.schedule.rounds=2000 --set speedup.enabled=false --set checkpoint.interval=0.02)
"$bin" run "${ck[@]}" --out "$tmp/ck_local" --quiet
start_server "$tmp/ck.log" "${ck[@]}" --out "$tmp/ck" --join-timeout 30
"$bin" join "127.0.0.1:$port" --workers 4 >/dev/null 2>&1 & k1=$!
pids+=("$k1")
checkpoints() { ls "$1/checkpoint" 2>/dev/null | grep -c '^batch-.*\.ckpt$'; }
for _ in $(seq 1500); do # up to 30 s: the sanitized build is slow
  [ "$(checkpoints "$tmp/ck")" -ge 3 ] && break
  sleep 0.02
done
kill -9 "$serve_pid"
wait_for "$k1" 20; check "checkpoints: the node exits 1 once the server is gone" test "$rc" -eq 1
check "checkpoints: the killed sweep left them" test "$(checkpoints "$tmp/ck")" -ge 3
check "checkpoints: no results yet" test ! -e "$tmp/ck/summary.json"
cp -r "$tmp/ck" "$tmp/ck_by_run"
start_server "$tmp/ck_resumed.log" --resume "$tmp/ck" --join-timeout 30
"$bin" join "127.0.0.1:$port" --workers 2 >/dev/null 2>&1 & k2=$!
"$bin" join "127.0.0.1:$port" --workers 2 >/dev/null 2>&1 & k3=$!
pids+=("$k2" "$k3")
wait_for "$serve_pid" 60; check "serve --resume of a sweep exits 0" test "$rc" -eq 0
check "serve --resume: the same results as an uninterrupted run" same "$tmp/ck_local" "$tmp/ck"
check "serve --resume: a batch that had finished is not run again" \
  test "$(grep -c '^localsgd: batch 0, ' "$tmp/ck_resumed.log")" -eq 0
check "serve --resume: the checkpoints are removed" test ! -e "$tmp/ck/checkpoint"
"$bin" run --resume "$tmp/ck_by_run" --quiet
check "run --resume of a served sweep exits 0" test $? -eq 0
check "run --resume: the same results as an uninterrupted run" same "$tmp/ck_local" "$tmp/ck_by_run"

# A run of one (method, N) is laid out in batches that serve's one batch is not.
"$bin" run "${ck[@]}" --set 'N=[2]' --set 'method=[{name="c", schedule="one_shot"}]' \
  --set T=4000000 --out "$tmp/ck_single" --quiet >/dev/null 2>&1 & single=$!
pids+=("$single")
for _ in $(seq 300); do [ "$(checkpoints "$tmp/ck_single")" -ge 1 ] && break; sleep 0.02; done
kill -9 "$single"
"$bin" serve --resume "$tmp/ck_single" >/dev/null 2>"$tmp/err"
check "serve --resume of a run of one (method, N) is refused (exit 2)" test $? -eq 2
check "... in one line naming run --resume" grep -q "use localsgd run --resume" "$tmp/err"

# --- the chain reduction: every batch's rounds along its nodes, same numbers ---
start_server "$tmp/chain.log" "$tmp/sweep.toml" --set cluster.reduction=chain \
  --set cluster.chunk_kb=1 --out "$tmp/chain" --join-timeout 30
"$bin" join "127.0.0.1:$port" --workers 1 >"$tmp/c1.log" 2>&1 & c1=$!
"$bin" join "127.0.0.1:$port" --workers 2 >"$tmp/c2.log" 2>&1 & c2=$!
"$bin" join "127.0.0.1:$port" --workers 1 >"$tmp/c3.log" 2>&1 & c3=$!
pids+=("$c1" "$c2" "$c3")
wait_for "$serve_pid" 60; check "chain sweep: serve exits 0" test "$rc" -eq 0
for j in "$c1" "$c2" "$c3"; do
  wait_for "$j" 10; check "chain sweep: the node exits 0" test "$rc" -eq 0
done
check "chain sweep: every batch's rounds go by the chain" \
  test "$(grep -c '^localsgd: batch .*: on nodes .*; rounds by the chain$' "$tmp/chain.log")" -eq 10
# run takes the keys (they are in summary.json's config echo) and keeps its star.
"$bin" run "$tmp/sweep.toml" --set cluster.reduction=chain --set cluster.chunk_kb=1 \
  --out "$tmp/chain_local" --quiet
check "chain sweep: the same results as localsgd run" same "$tmp/chain_local" "$tmp/chain"

echo "$passes passed, $failures failed"
[ "$failures" -eq 0 ]
