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
