#!/usr/bin/env bash
# The chain reduction across processes on loopback ([cluster] reduction =
# "chain"): the same numbers as one process, with several ids per node and
# with forced small chunks; a node hosting 10 ids sends about one model per
# round and one running sum per recorded step of the traces, not 10 (counted
# on the wire by tests/tcp_relay.py), and its neighbour's
# chunks go to it directly, not through the server, and so do the averages; a
# node killed mid-run under on_worker_loss = "continue" gives the numbers of the
# star that lost it, a frozen one is lost alone at the deadline, and a killed
# server resumes the chain from its checkpoint with new nodes.
set -u
bin=$1
src=$2
source "$(dirname "${BASH_SOURCE[0]}")/process_lib.sh"
chain=(--set cluster.reduction=chain)

# Compares the CSVs of served run $1 with those of `localsgd run` in $2 for
# method $3 (runs.csv without its wall_seconds).
same_results() {
  local served=$1 local=$2 method=$3 what=$4
  for f in trajectory.csv rounds.csv; do
    check "$what: $f identical" cmp -s <(grep "^$method," "$local/$f") <(tail -n +2 "$served/$f")
  done
  check "$what: runs.csv identical" \
    cmp -s <(without_wall_seconds "$local/runs.csv" | grep "^$method,") \
           <(without_wall_seconds "$served/runs.csv" | tail -n +2)
}

# --- identical results: three join processes (5 + 10 on two actors + 5 ids) --
cfg="$src/configs/paper/quadratic.toml"
small=(--set repetitions=10 --set record_every=5)
start_server "$tmp/serve.log" "$cfg" --method increasing "${small[@]}" "${chain[@]}" \
  --out "$tmp/served"
"$bin" join "127.0.0.1:$port" --workers 5 >"$tmp/j1.log" 2>&1 & j1=$!
"$bin" join "127.0.0.1:$port" --workers 10 --threads 2 >"$tmp/j2.log" 2>&1 & j2=$!
"$bin" join "127.0.0.1:$port" --workers 5 >"$tmp/j3.log" 2>&1 & j3=$!
pids+=("$j1" "$j2" "$j3")
wait_for "$serve_pid" 60; check "chain: served run exits 0" test "$rc" -eq 0
for j in "$j1" "$j2" "$j3"; do
  wait_for "$j" 10; check "chain: worker process exits 0" test "$rc" -eq 0
done
check "chain: no round fell back to the star" test "$(grep -c "by the star" "$tmp/serve.log")" -eq 0
# `run` accepts the key and keeps its star: in one process the same numbers.
"$bin" run "$cfg" "${small[@]}" "${chain[@]}" --quiet --out "$tmp/local"
same_results "$tmp/served" "$tmp/local" increasing "chain"

# --- forced small chunks: an 8 MB model in 16 KB messages ---------------------
big=("$src/configs/cluster/large_model.toml" --set T=12 --set record_every=6)
start_server "$tmp/big.log" "${big[@]}" "${chain[@]}" --set cluster.chunk_kb=16 \
  --out "$tmp/big_served"
"$bin" join "127.0.0.1:$port" --workers 1 >"$tmp/b1.log" 2>&1 & b1=$!
"$bin" join "127.0.0.1:$port" --workers 2 >"$tmp/b2.log" 2>&1 & b2=$!
"$bin" join "127.0.0.1:$port" --workers 1 >"$tmp/b3.log" 2>&1 & b3=$!
pids+=("$b1" "$b2" "$b3")
wait_for "$serve_pid" 120; check "small chunks: served run exits 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || cat "$tmp/big.log" "$tmp"/b[123].log
"$bin" run "${big[@]}" --quiet --out "$tmp/big_local"
same_results "$tmp/big_served" "$tmp/big_local" increasing "small chunks"

# --- bytes per node per round, and direct links ------------------------------
# N = 11: node A hosts id 0, node B ids 1..10 (it joins once A has). Each
# through its own counting relay. d = 1e4, one repetition: a model is 80 KB;
# 10 rounds; only step T is traced (one running sum of B's 10 snapshots).
wire=("$src/configs/cluster/large_model.toml" --set N=11 --set objective.dimension=10000
      --set T=100 --set record_every=100
      --set 'method.0.schedule={type="increasing",rounds=10}')
model=80000 rounds=10
join_args=() # for both joins (TLS below)
bytes_sent() { # reduction [tag extra-args...] -> sets $a_up $a_down $b_up $b_down
  local reduction=$1 tag=${2:-$1}
  shift; [ $# -gt 0 ] && shift
  set -- "$reduction" "$tag" "$@"
  start_server "$tmp/wire_$2.log" "${wire[@]}" "${@:3}" --set cluster.reduction="$1" \
    --out "$tmp/wire_$2"
  start_relay "$port" --count "$tmp/a_$2.count"; local pa=$relay_port
  start_relay "$port" --count "$tmp/b_$2.count"; local pb=$relay_port
  "$bin" join "127.0.0.1:$pa" --workers 1 "${join_args[@]}" >"$tmp/a_$2.log" 2>&1 & local a=$!
  pids+=("$a")
  # B's ids come after A's: wait until A connected, then for its join.
  for _ in $(seq 100); do
    [ "$(cut -d' ' -f3 "$tmp/a_$2.count")" -ge 1 ] && break
    sleep 0.1
  done
  sleep 0.5
  "$bin" join "127.0.0.1:$pb" --workers 10 "${join_args[@]}" >"$tmp/b_$2.log" 2>&1 & local b=$!
  pids+=("$b")
  wait_for "$serve_pid" 60; check "$2 (bytes): served run exits 0" test "$rc" -eq 0
  wait_for "$a" 10; wait_for "$b" 10
  read -r a_up a_down _ <"$tmp/a_$2.count"
  read -r b_up b_down _ <"$tmp/b_$2.count"
  echo "chain_test: $2: node A (1 id) sent $a_up bytes and got $a_down," \
       "node B (10 ids) sent $b_up and got $b_down in $rounds rounds (a model: $model bytes)"
}
check_chain_bytes() { # tag: the counts bytes_sent just set, for a chain
  # The averages go back along the chain: the server sends them to A only.
  check "$1: the first node gets about one model a round from the server" \
    test "$a_down" -ge $((rounds * model)) -a "$a_down" -le $(((rounds + 1) * model * 6 / 5))
  # Its models' running sum once a round, and one running sum of its 10
  # snapshots at step T (the star's traces sent all 10).
  check "$1: the 10-id node sends about one model a round" \
    test "$b_up" -ge $((rounds * model)) -a "$b_up" -le $(((rounds + 1) * model * 6 / 5))
  # A's sums go to B over the connection A opened to B's door: A's link to the
  # server carries its snapshot at step T, small notices and the sums of the
  # first rounds (until the direct connection is up: 4 rounds once, with 2
  # cores loaded by other tests), not a model a round (11 in all).
  check "$1: node A's sums go to node B directly" test "$a_up" -le $((6 * model))
  # And so do the averages: B gets from the server the epochs, routes and the
  # averages of the first rounds (until A's link to B is up), not a model a
  # round for each of its 2 actors (20 in all).
  check "$1: node B gets the averages from node A, not the server" \
    test "$b_down" -le $((6 * model))
  check "$1: no node says it has no direct link" \
    test "$(cat "$tmp/a_$1.log" "$tmp/b_$1.log" | grep -c "direct link")" -eq 0
}
bytes_sent star
star_b=$b_up star_b_down=$b_down
bytes_sent chain
check "star: the 10-id node sends 10 models a round" test "$star_b" -ge $((10 * rounds * model))
check "star: the server sends the average to the 10-id node every round" \
  test "$star_b_down" -ge $((rounds * model))
check_chain_bytes chain
same_results "$tmp/wire_chain" "$tmp/wire_star" increasing "chain vs star (bytes run)"

# The traces go along the chain too: with record_every = 5, 20 recorded steps
# (in chunks of up to 4 steps: 8 MB / 2 over 11 snapshots of 80 KB). In the
# star B sends its 10 snapshots of each (16 MB); in the chain one running sum
# of each (1.6 MB), plus one model sum a round.
traced=20
bytes_sent star star_traced --set record_every=5
star_b=$b_up
bytes_sent chain chain_traced --set record_every=5
check "star, traced: the 10-id node sends 10 snapshots a recorded step" \
  test "$star_b" -ge $((10 * traced * model))
check "chain, traced: the 10-id node sends one trace sum a recorded step" \
  test "$b_up" -ge $(((rounds + traced) * model)) -a "$b_up" -le $(((rounds + traced) * model * 6 / 5))
check "chain, traced: no round fell back to the star" \
  test "$(grep -c "by the star" "$tmp/wire_chain_traced.log")" -eq 0
same_results "$tmp/wire_chain_traced" "$tmp/wire_star_traced" increasing \
  "chain vs star (traced bytes run)"

wait_for_file() { # up to 6 s for a file (a checkpoint) to appear
  for _ in $(seq 300); do
    [ -e "$1" ] && return 0
    sleep 0.02
  done
}

# --- a node killed mid-run: that round goes by the star ------------------------
cont=("$cfg" --set repetitions=10 --set T=20000 --set record_every=4000
      --set faults.on_worker_loss=continue --set checkpoint.interval=0
      --set 'method=[{name="increasing",schedule={type="increasing",rounds="N"}}]')
start_server "$tmp/lost.log" "${cont[@]}" --method increasing "${chain[@]}" --out "$tmp/lost"
for k in 1 2 3 4; do
  "$bin" join "127.0.0.1:$port" --workers 5 >/dev/null 2>&1 &
  eval "l$k=\$!"; pids+=("$!")
done
wait_for_file "$tmp/lost/checkpoint/batch-0.ckpt"
kill -9 "$l2"
wait_for "$serve_pid" 60; check "lost node: the run completes (exit 0)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || cat "$tmp/lost.log"
check "lost node: the loss is logged" grep -q "lost workers .*; 15 of 20 workers remain" \
  "$tmp/lost.log"
# Inside a chain round the round goes by the star; between two rounds (while the
# server writes its checkpoint) the next round is routed around the lost ids.
if grep -q "this round goes by the star" "$tmp/lost.log"; then
  echo "chain_test: the node was lost inside a chain round: that round went by the star"
else
  echo "chain_test: the node was lost between two rounds: the next chain went around it"
fi
# The star that loses those ids at the start of the same round: [faults.inject]
# in one process. Served run $1 (its log $2) lost one node of 5 ids of 20.
same_as_injected() {
  local served=$1 log=$2 what=$3
  local first round lost_ids lost_rounds start end
  # The node's actors (ids a..b and b+1..) may be lost in either order.
  first=$(sed -nE 's/.*lost workers ([0-9]+)\.\.[0-9]+ .*/\1/p' "$log" | sort -n | head -1)
  round=$(awk -F, 'NR > 1 && $7 < 20 { print $3; exit }' "$served/rounds.csv")
  echo "chain_test: $what: the node held ids $first..; first round without them: $round"
  lost_ids=$(seq -s, "$first" $((first + 4)))
  lost_rounds=$(printf "$round,%.0s" 1 2 3 4 5); lost_rounds=${lost_rounds%,}
  "$bin" run "${cont[@]}" "${@:4}" --set "faults.inject.lose_workers=[$lost_ids]" \
    --set "faults.inject.lose_rounds=[$lost_rounds]" --quiet --out "$served.local"
  check "$what: rounds.csv as the star that lost them" \
    cmp -s <(grep "^increasing," "$served.local/rounds.csv") <(tail -n +2 "$served/rounds.csv")
  # The loss round's traced steps may hold the node's snapshots that reached
  # the server before it was lost (the star keeps them too); every other step
  # is equal.
  start=$(awk -F, -v r="$round" 'NR > 1 && $3 == r - 1 { print $4 }' "$served/rounds.csv")
  end=$(awk -F, -v r="$round" 'NR > 1 && $3 == r { print $4 }' "$served/rounds.csv")
  check "$what: trajectory as the star's outside the loss round" \
    cmp -s <(grep "^increasing," "$served.local/trajectory.csv" | awk -F, -v s="$start" -v e="$end" '$3 <= s || $3 > e') \
           <(tail -n +2 "$served/trajectory.csv" | awk -F, -v s="$start" -v e="$end" '$3 <= s || $3 > e')
}
same_as_injected "$tmp/lost" "$tmp/lost.log" "lost node"

# --- a frozen node misses the deadline: only it is lost -----------------------
# The averages go along the chain: the nodes after a frozen one wait for them
# and are not late. The first node to join (likely ids 0..4, the first of the
# chain, so the others wait) is SIGSTOPped; the deadline (2 s) loses it and
# the others get the averages from the server and go on by the star.
frozen=(--set faults.deadline_floor=2 --set T=200000) # about 1 s of rounds
start_server "$tmp/frozen.log" "${cont[@]}" "${frozen[@]}" --method increasing "${chain[@]}" \
  --out "$tmp/frozen"
f_pids=()
for k in 1 2 3 4; do
  [ "$k" -gt 1 ] && sleep 0.3
  "$bin" join "127.0.0.1:$port" --workers 5 >"$tmp/frozen_$k.log" 2>&1 &
  f_pids+=("$!"); pids+=("$!")
done
wait_for_file "$tmp/frozen/checkpoint/batch-0.ckpt"
kill -STOP "${f_pids[0]}"; stopped+=("${f_pids[0]}")
wait_for "$serve_pid" 60; check "frozen node: the run completes (exit 0)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || cat "$tmp/frozen.log"
# Its actors (2 of its ids and 3) may be lost at two deadlines: the second
# waited for the first's averages.
check "frozen node: only its ids are lost, at the deadline" \
  test "$(grep "lost workers" "$tmp/frozen.log" | grep -vc "missed the deadline")" -eq 0 -a \
       "$(grep "lost workers" "$tmp/frozen.log" | tail -1 | grep -c "15 of 20 workers remain")" -eq 1
[ "$rc" -eq 0 ] || cat "$tmp/frozen.log"
for j in "${f_pids[@]:1}"; do
  wait_for "$j" 10; check "frozen node: the others exit 0" test "$rc" -eq 0
done
same_as_injected "$tmp/frozen" "$tmp/frozen.log" "frozen node" "${frozen[@]}"
kill -CONT "${f_pids[0]}"; wait_for "${f_pids[0]}" 10
check "frozen node: continued, it exits non-zero" test "$rc" -ne 0 -a "$rc" -ne 124

# --- a replacement takes over the lost ids and joins the chain ---------------
# Longer rounds than above, so that the replacement (two connections) is in
# before the run ends.
start_server "$tmp/replaced.log" "${cont[@]}" --set repetitions=50 --set T=40000 \
  --method increasing "${chain[@]}" --out "$tmp/replaced"
join_kill_replace "$tmp/replaced" "$tmp/replacement.log"
wait_for "$serve_pid" 60; check "replacement: the run completes (exit 0)" test "$rc" -eq 0
wait_for "$replacement_pid" 10; check "replacement: the new node exits 0" test "$rc" -eq 0
check "replacement: it is logged" grep -q "replaced; they take part from round" "$tmp/replaced.log"
check "replacement: the last round averages all 20 again" \
  test "$(tail -1 "$tmp/replaced/rounds.csv" | cut -d, -f7)" = 20
check "replacement: its rounds went by the chain" \
  test "$(grep -c "by the star" "$tmp/replaced.log")" -le 1

# --- a killed server resumes the chain from its checkpoint, new nodes ---------
res=("$cfg" --set repetitions=20 --set T=8000 --set record_every=400
     --set checkpoint.interval=0 "${chain[@]}"
     --set 'method=[{name="increasing",schedule={type="increasing",rounds="N"}}]')
start_server "$tmp/resume1.log" "${res[@]}" --method increasing --out "$tmp/resumed"
for w in 5 8 7; do
  "$bin" join "127.0.0.1:$port" --workers $w >/dev/null 2>&1 &
  pids+=("$!")
done
wait_for_file "$tmp/resumed/checkpoint/batch-0.ckpt"
kill -9 "$serve_pid"
check "resumed chain: the killed server left a checkpoint and no summary" \
  test -e "$tmp/resumed/checkpoint/batch-0.ckpt" -a ! -e "$tmp/resumed/summary.json"
start_server "$tmp/resume2.log" --resume "$tmp/resumed"
for w in 12 8; do
  "$bin" join "127.0.0.1:$port" --workers $w >/dev/null 2>&1 &
  pids+=("$!")
done
wait_for "$serve_pid" 60; check "resumed chain: serve --resume exits 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || cat "$tmp/resume2.log"
"$bin" run "${res[@]}" --set checkpoint.enabled=false --quiet --out "$tmp/resume_local"
same_results "$tmp/resumed" "$tmp/resume_local" increasing "resumed chain"
check "resumed chain: no round fell back to the star" \
  test "$(grep -c "by the star" "$tmp/resume2.log")" -eq 0

# --- garbage and a silent peer at a node's door: the run does not notice -----
listening_ports() { # pid -> the TCP ports it listens on at 127.0.0.1 (from /proc)
  python3 - "$1" <<'EOF'
import os, sys
pid = sys.argv[1]
inodes = set()
for fd in os.listdir(f"/proc/{pid}/fd"):
    try:
        target = os.readlink(f"/proc/{pid}/fd/{fd}")
    except OSError:
        continue
    if target.startswith("socket:["):
        inodes.add(target[8:-1])
for line in open(f"/proc/{pid}/net/tcp").readlines()[1:]:
    f = line.split()
    local, state, inode = f[1], f[3], f[9]
    if state == "0A" and inode in inodes and local.startswith("0100007F:"):
        print(int(local.split(":")[1], 16))
EOF
}
# The first node waits for the second (N = 20), its door open; a stranger
# sends it random bytes, a run of 0xff (a huge length), zeros, nothing, and
# keeps one connection open without a word. Then the second node joins.
if [ -d /proc/self/fd ]; then
  start_server "$tmp/door.log" "$cfg" --method increasing "${small[@]}" --out "$tmp/door" \
    --join-timeout 60
  "$bin" join "127.0.0.1:$port" --workers 10 >"$tmp/door1.log" 2>&1 & d1=$!
  pids+=("$d1")
  door=""
  for _ in $(seq 100); do
    door=$(listening_ports "$d1" | head -1)
    [ -n "$door" ] && break
    sleep 0.05
  done
  check "door: the first node listens on a port of 127.0.0.1" test -n "$door"
  python3 - "$door" >"$tmp/stranger.log" 2>&1 <<'EOF' & stranger=$!
import os, socket, sys, time
port = int(sys.argv[1])
for payload in (os.urandom(4096), b"\xff" * 64, b"\x00" * 200, b""):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(payload)
    time.sleep(0.05)
    s.close()
silent = socket.create_connection(("127.0.0.1", port))
print("sent", flush=True)
time.sleep(30)
EOF
  pids+=("$stranger")
  for _ in $(seq 100); do grep -q sent "$tmp/stranger.log" && break; sleep 0.05; done
  "$bin" join "127.0.0.1:$port" --workers 10 >"$tmp/door2.log" 2>&1 & d2=$!
  pids+=("$d2")
  wait_for "$serve_pid" 60; check "door: the served run exits 0" test "$rc" -eq 0
  for j in "$d1" "$d2"; do
    wait_for "$j" 10; check "door: worker process exits 0" test "$rc" -eq 0
  done
  check "door: the stranger got its bytes in" grep -q sent "$tmp/stranger.log"
  kill "$stranger" 2>/dev/null
  same_results "$tmp/door" "$tmp/local" increasing "door with garbage"
else
  echo "chain_test: no /proc: garbage at a door is not checked"
fi

# --- a --link-host this node cannot listen on: exit 2, one line --------------
start_server "$tmp/link_host.log" "$cfg" --method increasing "${small[@]}" --out "$tmp/lh" \
  --join-timeout 30
for h in 10.99.99.99 "no such host!"; do
  "$bin" join "127.0.0.1:$port" --workers 20 --link-host "$h" >"$tmp/lh_join.log" 2>&1 &
  pids+=("$!"); wait_for "$!" 20
  check "--link-host $h: exit 2" test "$rc" -eq 2
  check "--link-host $h: one line naming it" \
    test "$(grep -c "^localsgd: --link-host: cannot listen on $h" "$tmp/lh_join.log")" -eq 1 \
      -a "$(wc -l <"$tmp/lh_join.log")" -eq 1
done
kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null

# --- under TLS: direct links over TLS, same numbers ----------------------------
if command -v openssl >/dev/null; then
  (
    cd "$tmp" || exit 1
    ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 2 -subj /CN=ca &&
      for n in server worker client; do
        # "client": a worker certificate that TLS accepts for a client only.
        echo extendedKeyUsage=clientAuth >client.ext
        extra=(); [ $n = client ] && extra=(-extfile client.ext)
        openssl req "${ec[@]}" -keyout $n.key -out $n.csr -subj /CN=$n &&
          openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
            -out $n.pem "${extra[@]}" || exit 1
      done
  ) >"$tmp/openssl.log" 2>&1 || { cat "$tmp/openssl.log"; exit 1; }
  good=(--tls-certificate "$tmp/worker.pem" --tls-key "$tmp/worker.key" --tls-ca "$tmp/ca.pem")
  # The wire counts of the chain again, every connection under TLS.
  join_args=("${good[@]}")
  bytes_sent chain chain_tls --set "tls.certificate=\"$tmp/server.pem\"" \
    --set "tls.key=\"$tmp/server.key\"" --set "tls.ca=\"$tmp/ca.pem\""
  join_args=()
  check_chain_bytes chain_tls
  same_results "$tmp/wire_chain_tls" "$tmp/wire_star" increasing "TLS chain vs star (bytes run)"

  # A node whose certificate cannot serve TLS opens no door: the node before
  # it sends through the server, with the same numbers.
  { cat "$cfg"
    printf '\n[tls]\ncertificate = "server.pem"\nkey = "server.key"\nca = "ca.pem"\n'; } >"$tmp/q.toml"
  client_only=(--tls-certificate "$tmp/client.pem" --tls-key "$tmp/client.key"
               --tls-ca "$tmp/ca.pem")
  start_server "$tmp/tls.log" "$tmp/q.toml" --method increasing "${small[@]}" "${chain[@]}" \
    --out "$tmp/tls_served"
  "$bin" join "127.0.0.1:$port" --workers 12 "${good[@]}" >"$tmp/t1.log" 2>&1 & t1=$!
  "$bin" join "127.0.0.1:$port" --workers 8 "${client_only[@]}" >"$tmp/t2.log" 2>&1 & t2=$!
  pids+=("$t1" "$t2")
  wait_for "$serve_pid" 60; check "TLS chain: served run exits 0" test "$rc" -eq 0
  for j in "$t1" "$t2"; do
    wait_for "$j" 10; check "TLS chain: worker process exits 0" test "$rc" -eq 0
  done
  check "TLS chain: the client-only node says it opens no door, in one line" \
    test "$(grep -c "no door for direct links on this node: its certificate .* is not fit for a TLS server" \
      "$tmp/t2.log")" -eq 1
  "$bin" run "$tmp/q.toml" "${small[@]}" "${chain[@]}" --quiet --out "$tmp/tls_local"
  same_results "$tmp/tls_served" "$tmp/tls_local" increasing "TLS chain"
else
  echo "chain_test: no openssl command: the TLS chain is not checked"
fi

echo "chain: $passes passed, $failures failed"
test "$failures" -eq 0
