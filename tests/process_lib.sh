# Shared by the shell tests that start localsgd processes; sourced after they
# set $bin and $tmp. check, start_server and wait_for keep pids in $pids, so
# that the caller's EXIT trap can kill what is left.
failures=0
passes=0
pids=()
check() { # description, then a command that must succeed
  local what=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
# Starts `localsgd serve ARGS...` in the background, logging to $1; sets
# $serve_pid and $port once the server listens.
start_server() {
  local log=$1; shift
  "$bin" serve "$@" >"$log" 2>&1 &
  serve_pid=$!
  pids+=("$serve_pid")
  port=""
  for _ in $(seq 100); do
    port=$(sed -nE 's/^localsgd: serving .* on 127\.0\.0\.1:([0-9]+)$/\1/p' "$log" 2>/dev/null)
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "server did not start:"; cat "$log"; return 1
}
# Waits up to $2 seconds for pid $1 and sets $rc to its exit code (124 on timeout).
wait_for() {
  local pid=$1 limit=$2
  for _ in $(seq $((limit * 10))); do
    if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; rc=$?; return 0; fi
    sleep 0.1
  done
  rc=124
}
# Starts tests/fake_peer.py MODE in the background; sets $peer_pid and
# $peer_port once it listens ("free": a port nobody listens on).
start_fake_peer() {
  local log="$tmp/fake_peer.$1.$RANDOM"
  python3 "$(dirname "${BASH_SOURCE[0]}")/fake_peer.py" "$1" >"$log" 2>&1 &
  peer_pid=$!
  pids+=("$peer_pid")
  peer_port=""
  for _ in $(seq 100); do
    peer_port=$(head -1 "$log" 2>/dev/null)
    [ -n "$peer_port" ] && return 0
    sleep 0.1
  done
  echo "fake peer did not start:"; cat "$log"; return 1
}
# Waits up to $2 seconds for a line matching the regex $1 in file $3.
wait_for_line() {
  for _ in $(seq $(($2 * 10))); do
    grep -qE "$1" "$3" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
