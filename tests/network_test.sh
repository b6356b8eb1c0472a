#!/usr/bin/env bash
# What serve and join do when the network or a peer misbehaves: join's exit
# codes (0 done, 1 the run failed, 3 unreachable or refused), --retry-for, a
# peer that accepts and never speaks, serve refusing to expose a plain port,
# and heartbeats that notice a frozen (SIGSTOPped) process. Loopback only;
# every wait is bounded and every process started is killed at the end.
set -u
bin=$1
src=$2
source "$(dirname "${BASH_SOURCE[0]}")/process_lib.sh"

cfg="$src/configs/paper/quadratic.toml"
small=(--set repetitions=10 --set record_every=5)
fast=(--heartbeat 0.5 --peer-timeout 3) # heartbeats twice a second, lost after 3 s

# --- join's exit codes -------------------------------------------------------
start_fake_peer free
"$bin" join "127.0.0.1:$peer_port" >/dev/null 2>"$tmp/err" & j=$!; pids+=("$j")
wait_for "$j" 10
check "join to nothing exits 3" test "$rc" -eq 3
check "... in one line" test "$(wc -l <"$tmp/err")" -eq 1
check "... naming the address" grep -q "cannot reach a server at 127.0.0.1:$peer_port" "$tmp/err"

"$bin" join "127.0.0.1:$peer_port" --retry-for 1 >/dev/null 2>"$tmp/err" & j=$!; pids+=("$j")
wait_for "$j" 10
check "join --retry-for to nothing exits 3 after the bound" test "$rc" -eq 3
check "... and says it retried" grep -q "(retried for 1 s)" "$tmp/err"

# A worker process that starts before its server.
start_fake_peer free; early=$peer_port
"$bin" join "127.0.0.1:$early" --workers 20 --retry-for 30 >"$tmp/early.log" 2>&1 & j=$!
pids+=("$j")
sleep 1
start_server "$tmp/late.log" "$cfg" --method increasing "${small[@]}" \
  --listen "127.0.0.1:$early" --out "$tmp/late"
wait_for "$serve_pid" 60; check "a server started after its worker completes (exit 0)" test "$rc" -eq 0
wait_for "$j" 10; check "join --retry-for reaches a late server and exits 0" test "$rc" -eq 0

# A server that gives up at its join timeout: its worker process fails too.
start_server "$tmp/gave_up.log" "$cfg" --method one_shot "${small[@]}" --join-timeout 2 \
  --out "$tmp/gave_up"
"$bin" join "127.0.0.1:$port" --workers 5 >"$tmp/abandoned.log" 2>&1 & j=$!; pids+=("$j")
wait_for "$serve_pid" 20; check "the server hits its join timeout (exit 1)" test "$rc" -eq 1
wait_for "$j" 10
check "join whose server hit its join timeout exits 1" test "$rc" -eq 1
check "... saying why the server ended the run" \
  grep -q "join timeout: 20 workers did not join within 2 s" "$tmp/abandoned.log"

# A server with no room for a node refuses it: exit 3 (one worker actor each).
start_server "$tmp/full.log" "$cfg" --method one_shot "${small[@]}" --join-timeout 4 \
  --out "$tmp/full"
"$bin" join "127.0.0.1:$port" --workers 15 --threads 1 >"$tmp/first.log" 2>&1 & j1=$!
"$bin" join "127.0.0.1:$port" --workers 15 --threads 1 >"$tmp/second.log" 2>&1 & j2=$!
pids+=("$j1" "$j2")
wait_for "$j1" 20; rc1=$rc
wait_for "$j2" 20; rc2=$rc
check "of two joins of 15 workers for N = 20, one is refused (3), one fails (1)" \
  test "$(printf '%s\n' "$rc1" "$rc2" | sort | tr '\n' ' ')" = "1 3 "
check "... the refusal is named" grep -qhE "the server refused this node: .*cannot add [0-9]+ workers" \
  "$tmp/first.log" "$tmp/second.log"
wait_for "$serve_pid" 20

# --- a peer that accepts and never speaks ------------------------------------
start_fake_peer silent
"$bin" join "127.0.0.1:$peer_port" --connect-timeout 2 >/dev/null 2>"$tmp/err" & j=$!
pids+=("$j")
wait_for "$j" 15
check "join to a silent listener exits 3 at its connect timeout" test "$rc" -eq 3
check "... in one line naming --connect-timeout" \
  grep -q "no CAF handshake within 2 s (--connect-timeout" "$tmp/err"
"$bin" join "127.0.0.1:$peer_port" "${fast[@]}" --connect-timeout 2 >/dev/null 2>&1 & j=$!
pids+=("$j")
wait_for "$j" 15
check "... also with heartbeats faster than the connect timeout" test "$rc" -eq 3
if command -v openssl >/dev/null; then # over TLS too (a throw-away CA and worker)
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  ( cd "$tmp" && openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 2 -subj /CN=ca &&
    openssl req "${ec[@]}" -keyout w.key -out w.csr -subj /CN=w &&
    openssl x509 -req -in w.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out w.pem
  ) >/dev/null 2>&1
  "$bin" join "127.0.0.1:$peer_port" --connect-timeout 2 --tls-certificate "$tmp/w.pem" \
    --tls-key "$tmp/w.key" --tls-ca "$tmp/ca.pem" >/dev/null 2>"$tmp/err" & j=$!
  pids+=("$j")
  wait_for "$j" 15
  check "join over TLS to a silent listener exits 3 at its connect timeout" test "$rc" -eq 3
  check "... in one line" test "$(wc -l <"$tmp/err")" -eq 1
fi
start_fake_peer http
"$bin" join "127.0.0.1:$peer_port" --connect-timeout 2 >/dev/null 2>"$tmp/err" & j=$!
pids+=("$j")
wait_for "$j" 15
check "join to an HTTP server exits 3" test "$rc" -eq 3
check "... in one line" test "$(wc -l <"$tmp/err")" -eq 1

# --- a plain port beyond loopback --------------------------------------------
"$bin" serve "$cfg" --method one_shot --listen 0.0.0.0:0 >/dev/null 2>"$tmp/err"
check "serve on 0.0.0.0 without TLS exits 2" test $? -eq 2
check "... in one line naming --insecure and [tls]" \
  grep -q "configure \[tls\] or pass --insecure" "$tmp/err"
check "... and only one line" test "$(wc -l <"$tmp/err")" -eq 1
"$bin" serve "$cfg" --method one_shot --listen 0.0.0.0:0 --insecure --join-timeout 30 --out "$tmp/insecure" \
  >"$tmp/insecure.log" 2>&1 & s=$!; pids+=("$s")
check "serve --insecure listens on 0.0.0.0" \
  wait_for_line "^localsgd: serving .* on 0\.0\.0\.0:[0-9]+$" 10 "$tmp/insecure.log"
kill "$s" 2>/dev/null; wait_for "$s" 10

# --- heartbeats: a frozen process is noticed ---------------------------------
# Rounds complete (a checkpoint is written) before the process is frozen, so
# the failed run has partial results to write.
long=("$src/configs/paper/lower_bound.toml" --method increasing --n 32
      --set repetitions=4000 --set record_every=8000 --set checkpoint.interval=0)
# This server takes the fast settings from the config's [network], not flags:
# with the default 15 s peer timeout it would not fail within the 10 s waited.
start_server "$tmp/stop_worker.log" "${long[@]}" --set network.heartbeat=0.5 \
  --set network.peer_timeout=3 --out "$tmp/stop_worker"
"$bin" join "127.0.0.1:$port" --workers 16 "${fast[@]}" >/dev/null 2>&1 & victim=$!
"$bin" join "127.0.0.1:$port" --workers 16 "${fast[@]}" >/dev/null 2>&1 & survivor=$!
pids+=("$victim" "$survivor")
for _ in $(seq 300); do
  [ -e "$tmp/stop_worker/checkpoint/batch-0.ckpt" ] && break
  sleep 0.02
done
kill -STOP "$victim"; stopped+=("$victim")
wait_for "$serve_pid" 10
check "a SIGSTOPped worker process fails the run (exit 1)" test "$rc" -eq 1
check "... naming the lost workers" \
  grep -q "the run failed: server: workers [0-9.]*: lost the connection to their node" \
  "$tmp/stop_worker.log"
check "... and the partial results are written" \
  grep -q '"complete": false' "$tmp/stop_worker/summary.json"
wait_for "$survivor" 10
check "the other worker process exits 1" test "$rc" -eq 1
kill -CONT "$victim"; wait_for "$victim" 10
check "the frozen worker process, continued, exits non-zero" test "$rc" -ne 0 -a "$rc" -ne 124

start_server "$tmp/stop_server.log" "${long[@]}" "${fast[@]}" --out "$tmp/stop_server"
"$bin" join "127.0.0.1:$port" --workers 16 "${fast[@]}" >"$tmp/orphan1.log" 2>&1 & o1=$!
"$bin" join "127.0.0.1:$port" --workers 16 "${fast[@]}" >"$tmp/orphan2.log" 2>&1 & o2=$!
pids+=("$o1" "$o2")
for _ in $(seq 300); do
  [ -e "$tmp/stop_server/checkpoint/batch-0.ckpt" ] && break
  sleep 0.02
done
kill -STOP "$serve_pid"; stopped+=("$serve_pid")
for o in "$o1" "$o2"; do
  wait_for "$o" 20
  check "a worker process whose server is SIGSTOPped exits 1" test "$rc" -eq 1
done
check "... in one line naming the lost server" \
  test "$(wc -l <"$tmp/orphan1.log")" -eq 1 -a \
       "$(grep -c "lost the connection to the server" "$tmp/orphan1.log")" -eq 1
kill -CONT "$serve_pid"; kill "$serve_pid" 2>/dev/null; wait_for "$serve_pid" 10

echo "network: $passes passed, $failures failed"
test "$failures" -eq 0
