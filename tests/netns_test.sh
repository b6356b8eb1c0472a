#!/usr/bin/env bash
# Server and worker processes in network namespaces of their own, joined by
# veth pairs, so that they talk over distinct addresses as separate machines
# would: the result must equal the one-process run, for the star and for the
# chain reduction across three worker hosts, whose running sums go from host
# to host directly (routed by the server's namespace). Needs root and `ip`
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
for i in 1 2 3; do
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

# Whether a TCP connection from namespace $1 to $2 gets an answer (nothing
# listens on port 9: a refusal is the answer of a reachable host).
reachable() {
  local out
  out=$(ip netns exec "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$2/9" 2>&1) && return 0
  grep -q "Connection refused" <<<"$out"
}
unreachable() { ! reachable "$@"; }
# Datagrams the server's namespace has routed from one worker host to another.
forwarded() {
  ip netns exec "$server_ns" awk '$1 == "Ip:" && !seen++ { for (i = 2; i <= NF; ++i) if ($i == "ForwDatagrams") c = i; next }
                                  $1 == "Ip:" { print $c }' /proc/net/snmp
}

cfg="$src/configs/paper/quadratic.toml"
small=(--method increasing --set repetitions=10 --set record_every=5)
port=7411
two_hosts() { # tag out-dir [serve args...]: 12 ids on worker host 1, 8 on host 2
  local what=$1 out=$2
  shift 2
  # --insecure: a plain port beyond loopback, but the namespaces exist only here.
  ip netns exec "$server_ns" "$bin" serve "$cfg" "${small[@]}" --listen "0.0.0.0:$port" \
    --insecure "$@" --join-timeout 30 --out "$out" >"$out.log" 2>&1 &
  local serve_pid=$!
  for _ in $(seq 50); do grep -q "serving" "$out.log" && break; sleep 0.1; done
  ip netns exec "${tag}w1" "$bin" join "10.231.1.1:$port" --workers 12 >"$out.w1.log" 2>&1 &
  local w1=$!
  ip netns exec "${tag}w2" "$bin" join "10.231.2.1:$port" --workers 8 >"$out.w2.log" 2>&1 &
  local w2=$!
  wait "$serve_pid"; check "$what: server in its namespace exits 0" test $? -eq 0
  wait "$w1"; check "$what: worker host 1 exits 0" test $? -eq 0
  wait "$w2"; check "$what: worker host 2 exits 0" test $? -eq 0
}
two_hosts star "$tmp/served" --set cluster.reduction=star
# A worker host cannot reach the other's address: they really are apart.
check "worker hosts are isolated" unreachable "${tag}w1" 10.231.2.2
check "the star forwarded nothing between worker hosts" test "$(forwarded)" -eq 0

"$bin" run "$cfg" --set repetitions=10 --set record_every=5 --quiet --out "$tmp/local"
for f in trajectory.csv rounds.csv; do
  check "$f identical across namespaces" \
    cmp -s <(grep '^increasing,' "$tmp/local/$f") <(tail -n +2 "$tmp/served/$f")
done

# --- the chain between the same isolated hosts: a door nobody can reach -------
# Host 1's block connects to host 2's door and finds no route: it says so in
# one line and sends through the server, with the same numbers.
two_hosts "chain, hosts apart" "$tmp/apart"
check "chain, hosts apart: one line says the link goes through the server" \
  test "$(cat "$tmp/apart".w?.log | grep -c "no direct link to the node at 10.231")" -eq 1
for f in trajectory.csv rounds.csv; do
  check "chain, hosts apart: $f identical to one process" \
    cmp -s <(grep '^increasing,' "$tmp/local/$f") <(tail -n +2 "$tmp/apart/$f")
done

# --- the chain across three worker hosts --------------------------------------
# The server's namespace now routes between the worker links, as the switch of
# a cluster would; 7 + 8 + 5 ids, so every host continues the sums of the last.
ip netns exec "$server_ns" sysctl -qw net.ipv4.ip_forward=1
for i in 1 2 3; do
  ip netns exec "${tag}w$i" ip route add default via "10.231.$i.1"
done
check "routed: worker host 1 reaches worker host 3" reachable "${tag}w1" 10.231.3.2
before=$(forwarded)
chain_port=7412
ip netns exec "$server_ns" "$bin" serve "$cfg" "${small[@]}" --set cluster.reduction=chain \
  --listen "0.0.0.0:$chain_port" --insecure --join-timeout 30 --out "$tmp/chain" \
  >"$tmp/chain_serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 50); do grep -q "serving" "$tmp/chain_serve.log" && break; sleep 0.1; done
ids=(0 7 8 5)
for i in 1 2 3; do
  ip netns exec "${tag}w$i" "$bin" join "10.231.$i.1:$chain_port" --workers "${ids[$i]}" \
    >"$tmp/chain_w$i.log" 2>&1 &
  eval "c$i=\$!"
done
wait "$serve_pid"; check "chain: server exits 0" test $? -eq 0
for i in 1 2 3; do
  eval "wait \$c$i"; check "chain: worker host $i exits 0" test $? -eq 0
done
check "chain: no round went to the star" test "$(grep -c "by the star" "$tmp/chain_serve.log")" -eq 0
for f in trajectory.csv rounds.csv; do
  check "chain: $f identical across namespaces" \
    cmp -s <(grep '^increasing,' "$tmp/local/$f") <(tail -n +2 "$tmp/chain/$f")
done
# The sums went from host to host: the server's namespace routed them (the
# star above routed nothing), and at least the TCP handshakes and one sum.
check "chain: worker hosts talked to each other directly" test $(($(forwarded) - before)) -gt 10

[ "$failures" -eq 0 ] || cat "$tmp"/*.log
echo "netns: $passes passed, $failures failed"
test "$failures" -eq 0
