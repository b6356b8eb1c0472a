# Shared by the shell tests that start localsgd processes; sourced after they
# set $bin. It makes the test's scratch folder $tmp and an EXIT trap that
# kills what is left in $pids and removes $tmp (KEEP=1 keeps it); check,
# start_server, start_relay and wait_for keep their pids in $pids.
tmp=$(mktemp -d)
stopped=() # SIGSTOPped pids, continued before they are killed
cleanup() {
  kill -CONT "${stopped[@]}" 2>/dev/null
  kill -9 "${pids[@]}" 2>/dev/null
  [ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
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
  peer_port=$(first_line_of "$log") || { echo "fake peer did not start:"; cat "$log"; return 1; }
}
# Starts tests/tcp_relay.py to port $1 in the background (mode $2, --count or
# --capture, into file $3); sets $relay_port once it listens.
start_relay() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/tcp_relay.py" "$1" "$2" "$3" >"$3.port" 2>&1 &
  pids+=("$!")
  relay_port=$(first_line_of "$3.port") || { echo "relay did not start"; return 1; }
}
# Prints the first line of file $1 once there is one (waits up to 10 s).
first_line_of() {
  local line
  for _ in $(seq 100); do
    line=$(head -1 "$1" 2>/dev/null)
    [ -n "$line" ] && { echo "$line"; return 0; }
    sleep 0.1
  done
  return 1
}
# Waits up to $2 seconds for a line matching the regex $1 in file $3.
wait_for_line() {
  for _ in $(seq $(($2 * 10))); do
    grep -qE "$1" "$3" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
# Result folders $1 and $2 hold the same numbers: trajectory.csv and
# rounds.csv byte for byte, runs.csv without its wall_seconds column.
same_csvs() {
  for f in trajectory.csv rounds.csv; do cmp -s "$1/$f" "$2/$f" || return 1; done
  cmp -s <(without_wall_seconds "$1/runs.csv") <(without_wall_seconds "$2/runs.csv")
}
without_wall_seconds() {
  local column
  column=$(head -1 "$1" | tr , '\n' | grep -nx wall_seconds | cut -d: -f1)
  cut -d, -f"${column:?no wall_seconds column in $1}" --complement "$1"
}
# Two nodes of 10 worker ids join the server at $port; once the run writing
# into folder $1 has its first checkpoint, the first node is killed (SIGKILL)
# and a replacement joins, logging to $2. Sets $replacement_pid.
join_kill_replace() {
  "$bin" join "127.0.0.1:$port" --workers 10 >/dev/null 2>&1 &
  local doomed=$!
  "$bin" join "127.0.0.1:$port" --workers 10 >/dev/null 2>&1 &
  pids+=("$doomed" "$!")
  for _ in $(seq 300); do
    [ -e "$1/checkpoint/batch-0.ckpt" ] && break
    sleep 0.02
  done
  kill -9 "$doomed"
  "$bin" join "127.0.0.1:$port" --workers 10 >"$2" 2>&1 &
  replacement_pid=$!
  pids+=("$replacement_pid")
}
