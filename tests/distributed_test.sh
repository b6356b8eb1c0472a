#!/usr/bin/env bash
# Runs across processes on loopback through CAF's network layer: a server and
# worker processes give the same numbers as one process; a join timeout, a
# killed worker process and a killed server end the run with a clear error
# instead of a hang.
set -u
bin=$1
src=$2
source "$(dirname "${BASH_SOURCE[0]}")/process_lib.sh"

# --- identical results: a server and three worker processes (5 + 10 + 5 ids) --
cfg="$src/configs/paper/quadratic.toml"
small=(--set repetitions=10 --set record_every=5)
start_server "$tmp/serve.log" "$cfg" --method increasing "${small[@]}" --out "$tmp/served"
"$bin" join "127.0.0.1:$port" --workers 5 >"$tmp/j1.log" 2>&1 & j1=$!
"$bin" join "127.0.0.1:$port" --workers 10 --threads 2 >"$tmp/j2.log" 2>&1 & j2=$!
"$bin" join "127.0.0.1:$port" --workers 5 >"$tmp/j3.log" 2>&1 & j3=$!
pids+=("$j1" "$j2" "$j3")
wait_for "$serve_pid" 60; check "served run exits 0" test "$rc" -eq 0
for j in "$j1" "$j2" "$j3"; do
  wait_for "$j" 10; check "worker process exits 0" test "$rc" -eq 0
done
"$bin" run "$cfg" "${small[@]}" --quiet --out "$tmp/local"
for f in trajectory.csv rounds.csv; do
  grep '^increasing,' "$tmp/local/$f" >"$tmp/local.$f"
  check "$f identical across processes" cmp -s "$tmp/local.$f" <(tail -n +2 "$tmp/served/$f")
done

# --- model messages stay under the frame limit (forced down to 500 bytes) ----
# d = 3 and 10 repetitions: 240 bytes per id, so a join actor takes 2 ids at
# most, and one node of 20 ids on 1 thread runs 10 actors, with the same numbers.
LSGD_MESSAGE_LIMIT=500 start_server "$tmp/limit.log" "$cfg" --method increasing "${small[@]}" \
  --out "$tmp/limited"
LSGD_MESSAGE_LIMIT=500 "$bin" join "127.0.0.1:$port" --workers 20 --threads 1 \
  >"$tmp/limit_join.log" 2>&1 & l1=$!
pids+=("$l1")
wait_for "$serve_pid" 60; check "message limit: served run exits 0" test "$rc" -eq 0
wait_for "$l1" 10; check "message limit: the node exits 0" test "$rc" -eq 0
check "message limit: the node says it split its ids" \
  grep -q "20 worker ids in 10 actors of at most 2 ids (not one per thread)" "$tmp/limit_join.log"
for f in trajectory.csv rounds.csv; do
  check "message limit: $f identical to one process" \
    cmp -s "$tmp/local.$f" <(tail -n +2 "$tmp/limited/$f")
done
# Below one id's 240 bytes the average itself would not fit: refused up front.
LSGD_MESSAGE_LIMIT=200 "$bin" serve "$cfg" --method increasing "${small[@]}" \
  --out "$tmp/too_big" >/dev/null 2>"$tmp/too_big.err"
check "message limit: an average over it is refused (exit 2)" test $? -eq 2
check "... in one line that says what to do" \
  grep -q "more than one message between processes carries.*serve fewer repetitions" \
  "$tmp/too_big.err"
check "... before any work" test ! -e "$tmp/too_big"

# --- a large model (d = 1e6, 8 MB per model message) crosses unchanged --------
big=("$src/configs/cluster/large_model.toml" --set T=12 --set record_every=6)
start_server "$tmp/big.log" "${big[@]}" --out "$tmp/big_served"
"$bin" join "127.0.0.1:$port" --workers 3 >/dev/null 2>&1 & b1=$!
"$bin" join "127.0.0.1:$port" --workers 1 >/dev/null 2>&1 & b2=$!
pids+=("$b1" "$b2")
wait_for "$serve_pid" 120; check "large model served run exits 0" test "$rc" -eq 0
"$bin" run "${big[@]}" --quiet --out "$tmp/big_local"
check "large model: identical rounds" cmp -s "$tmp/big_local/rounds.csv" "$tmp/big_served/rounds.csv"
check "large model: identical trajectory" \
  cmp -s "$tmp/big_local/trajectory.csv" "$tmp/big_served/trajectory.csv"

# --- a join timeout ends the wait with a clear error -------------------------
start_server "$tmp/timeout.log" "$cfg" --method one_shot "${small[@]}" --join-timeout 1 \
  --out "$tmp/timeout"
wait_for "$serve_pid" 10
check "join timeout exits 1" test "$rc" -eq 1
check "join timeout is named" grep -q "join timeout: 20 workers did not join" "$tmp/timeout.log"
check "join timeout writes no results" test ! -e "$tmp/timeout/summary.json"

# --- a serve that cannot listen leaves no checkpoint folder behind ----------
start_server "$tmp/holder.log" "$cfg" --method one_shot "${small[@]}" --out "$tmp/holder"
"$bin" serve "$cfg" --method one_shot "${small[@]}" --set checkpoint.enabled=true \
  --listen "127.0.0.1:$port" --out "$tmp/nolisten" >/dev/null 2>"$tmp/nolisten.err"
check "serve on a taken port exits 1" test $? -eq 1
check "... says it cannot listen" grep -q "^localsgd: cannot listen on 127.0.0.1:$port" \
  "$tmp/nolisten.err"
check "... and leaves no checkpoint folder" test ! -e "$tmp/nolisten/checkpoint"
check "... nor a hint to resume" test "$(grep -c "to continue" "$tmp/nolisten.err")" -eq 0
kill "$serve_pid" 2>/dev/null; wait_for "$serve_pid" 10

# --- a killed worker process is noticed by the server ------------------------
long=("$src/configs/paper/lower_bound.toml" --method increasing --n 32
      --set repetitions=4000 --set record_every=8000)
start_server "$tmp/kill_worker.log" "${long[@]}" --out "$tmp/kill_worker"
"$bin" join "127.0.0.1:$port" --workers 16 >/dev/null 2>&1 & victim=$!
"$bin" join "127.0.0.1:$port" --workers 16 >"$tmp/survivor.log" 2>&1 & survivor=$!
pids+=("$victim" "$survivor")
# Once the run started: a node lost before that only frees its ids.
wait_for_line "workers joined: the run starts" 60 "$tmp/kill_worker.log"
kill -9 "$victim"
wait_for "$serve_pid" 10
check "server exits 1 when a worker process dies" test "$rc" -eq 1
check "server names the failure" grep -q "the run failed: server: workers [0-9.]*: lost the connection to their node" "$tmp/kill_worker.log"
if grep -q "completed rounds are in" "$tmp/kill_worker.log"; then
  check "partial results say they are incomplete" \
    grep -q '"complete": false' "$tmp/kill_worker/summary.json"
  check "partial results name the failure" grep -q '"failure": ".*lost the connection to their node' \
    "$tmp/kill_worker/summary.json"
  check "partial rounds.csv has only completed rounds" \
    test "$(wc -l <"$tmp/kill_worker/rounds.csv")" -lt 34
else
  check "no rounds completed: no results written" test ! -e "$tmp/kill_worker/summary.json"
fi
wait_for "$survivor" 10
check "surviving worker process exits, non-zero" test "$rc" -ne 0 -a "$rc" -ne 124

# --- a killed server makes the worker processes exit -------------------------
start_server "$tmp/kill_server.log" "${long[@]}" --out "$tmp/kill_server"
"$bin" join "127.0.0.1:$port" --workers 16 >"$tmp/orphan1.log" 2>&1 & o1=$!
"$bin" join "127.0.0.1:$port" --workers 16 >"$tmp/orphan2.log" 2>&1 & o2=$!
pids+=("$o1" "$o2")
wait_for_line "workers joined: the run starts" 60 "$tmp/kill_server.log"
kill -9 "$serve_pid"
for o in "$o1" "$o2"; do
  wait_for "$o" 10
  check "worker process exits (non-zero) when the server dies" test "$rc" -ne 0 -a "$rc" -ne 124
done
check "worker process names the failure" grep -q "lost the connection to the server" "$tmp/orphan1.log"

# --- a killed server resumes from its checkpoint with new worker processes ----
res=(--set repetitions=100 --set T=8000 --set record_every=400 --set checkpoint.interval=0)
start_server "$tmp/resume1.log" "$cfg" --method increasing "${res[@]}" --out "$tmp/resumed"
"$bin" join "127.0.0.1:$port" --workers 10 >/dev/null 2>&1 & r1=$!
"$bin" join "127.0.0.1:$port" --workers 10 >/dev/null 2>&1 & r2=$!
pids+=("$r1" "$r2")
for _ in $(seq 300); do
  [ -e "$tmp/resumed/checkpoint/batch-0.ckpt" ] && break
  sleep 0.02
done
kill -9 "$serve_pid"
wait_for "$r1" 10; wait_for "$r2" 10
check "a killed server leaves a checkpoint and no summary" \
  test -e "$tmp/resumed/checkpoint/batch-0.ckpt" -a ! -e "$tmp/resumed/summary.json"
start_server "$tmp/resume2.log" --resume "$tmp/resumed"
"$bin" join "127.0.0.1:$port" --workers 7 >/dev/null 2>&1 & r3=$!
"$bin" join "127.0.0.1:$port" --workers 13 >/dev/null 2>&1 & r4=$!
pids+=("$r3" "$r4")
wait_for "$serve_pid" 60; check "serve --resume exits 0" test "$rc" -eq 0
"$bin" run "$cfg" "${res[@]}" --set checkpoint.enabled=false --quiet --out "$tmp/resume_local"
for f in trajectory.csv rounds.csv; do
  grep '^increasing,' "$tmp/resume_local/$f" >"$tmp/resume_local.$f"
  check "resumed served $f identical to one process" \
    cmp -s "$tmp/resume_local.$f" <(tail -n +2 "$tmp/resumed/$f")
done
check "serve removes its checkpoint when done" test ! -e "$tmp/resumed/checkpoint"

# --- continue policy: a killed worker process is replaced mid-run -----------
cont=("$cfg" --method increasing --set repetitions=50 --set T=40000 --set record_every=4000
      --set faults.on_worker_loss=continue --set checkpoint.interval=0)
start_server "$tmp/continue.log" "${cont[@]}" --out "$tmp/continued"
join_kill_replace "$tmp/continued" "$tmp/replacement.log"
wait_for "$serve_pid" 60; check "continue policy: the run completes (exit 0)" test "$rc" -eq 0
wait_for "$replacement_pid" 10; check "the replacement exits 0" test "$rc" -eq 0
check "the loss is logged" grep -q "lost workers .*; 10 of 20 workers remain" "$tmp/continue.log"
check "the replacement is logged" grep -q "replaced; they take part from round" "$tmp/continue.log"
check "summary: fewest workers averaged is 10" \
  grep -q '"fewest_workers_averaged": 10' "$tmp/continued/summary.json"
check "rounds.csv: the last round averaged all 20 again" \
  test "$(tail -1 "$tmp/continued/rounds.csv" | cut -d, -f7)" = 20

# --- bad input ---------------------------------------------------------------
# (Without --method and --n, serve runs the whole config: tests/sweep_test.sh.)
"$bin" serve "$cfg" --n 1 >/dev/null 2>"$tmp/err"
check "serve --n without --method on a multi-method config exits 2" test $? -eq 2
check "... and says why" grep -q "pick one" "$tmp/err"
"$bin" join 127.0.0.1:notaport 2>"$tmp/err"
check "join with a bad address exits 2" test $? -eq 2
"$bin" join 127.0.0.1:1 2>"$tmp/err"
check "join with no server there exits 3" test $? -eq 3

echo "distributed: $passes passed, $failures failed"
test "$failures" -eq 0
