#!/usr/bin/env bash
# Server and worker processes in network namespaces of their own, joined by
# veth pairs, so that they talk over distinct addresses as separate machines
# would: the result must equal the one-process run. Needs root and `ip`
# (iproute2); skipped with a message (exit 77) otherwise. The namespaces and their
# addresses (10.231.x.y) exist only inside this machine and are removed at exit.
set -u
bin=$1
src=$2
if [ "$(id -u)" -ne 0 ] || ! command -v ip >/dev/null; then
  echo "netns: skipped (needs root and iproute2's ip)"
  exit 77
fi
tag="lsgd$$"
server_ns="${tag}s"
if ! ip netns add "$server_ns" 2>/dev/null; then
  echo "netns: skipped (cannot create network namespaces here)"
  exit 77
fi
tmp=$(mktemp -d)
namespaces=("$server_ns")
cleanup() {
  for ns in "${namespaces[@]}"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
passes=0
check() {
  local what=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

ip netns exec "$server_ns" ip link set lo up
# Worker host i gets the link 10.231.i.0/24: the server is .1, the worker .2.
for i in 1 2; do
  ns="${tag}w$i"
  namespaces+=("$ns")
  ip netns add "$ns"
  ip link add "${tag}a$i" type veth peer name "${tag}b$i"
  ip link set "${tag}a$i" netns "$server_ns"
  ip link set "${tag}b$i" netns "$ns"
  ip netns exec "$server_ns" ip addr add "10.231.$i.1/24" dev "${tag}a$i"
  ip netns exec "$server_ns" ip link set "${tag}a$i" up
  ip netns exec "$ns" ip addr add "10.231.$i.2/24" dev "${tag}b$i"
  ip netns exec "$ns" ip link set "${tag}b$i" up
  ip netns exec "$ns" ip link set lo up
done

cfg="$src/configs/paper/quadratic.toml"
small=(--method increasing --set repetitions=10 --set record_every=5)
port=7411
# --insecure: a plain port beyond loopback, but the namespaces exist only here.
ip netns exec "$server_ns" "$bin" serve "$cfg" "${small[@]}" --listen "0.0.0.0:$port" --insecure \
  --join-timeout 30 --out "$tmp/served" >"$tmp/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 50); do grep -q "serving" "$tmp/serve.log" && break; sleep 0.1; done
ip netns exec "${tag}w1" "$bin" join "10.231.1.1:$port" --workers 12 >"$tmp/w1.log" 2>&1 &
w1=$!
ip netns exec "${tag}w2" "$bin" join "10.231.2.1:$port" --workers 8 >"$tmp/w2.log" 2>&1 &
w2=$!
wait "$serve_pid"; check "server in its namespace exits 0" test $? -eq 0
wait "$w1"; check "worker host 1 exits 0" test $? -eq 0
wait "$w2"; check "worker host 2 exits 0" test $? -eq 0
# A worker host cannot reach the other's address: they really are apart.
check "worker hosts are isolated" \
  bash -c "! ip netns exec ${tag}w1 ping -c 1 -W 1 10.231.2.2 >/dev/null 2>&1"

"$bin" run "$cfg" --set repetitions=10 --set record_every=5 --quiet --out "$tmp/local"
for f in trajectory.csv rounds.csv; do
  check "$f identical across namespaces" \
    cmp -s <(grep '^increasing,' "$tmp/local/$f") <(tail -n +2 "$tmp/served/$f")
done
[ "$failures" -eq 0 ] || cat "$tmp"/*.log
echo "netns: $passes passed, $failures failed"
test "$failures" -eq 0
