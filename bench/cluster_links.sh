#!/usr/bin/env bash
# One averaging round on hosts whose links have a real bandwidth: the server
# and N worker processes each in a network namespace of its own, every one
# behind one veth link to a switch namespace, each link limited to RATE in
# each direction (tc tbf). On loopback the processes share two cores and no
# link is a bottleneck; here, as on a cluster, the server's one link is. Prints
# a markdown table: the star, the chain with the averages sent by the server
# to every node, and the chain with the averages relayed along it
# (bench_round, LSGD_BENCH_RELAY), and MPI_Allreduce over TCP among the N
# worker hosts (bench_mpi_allreduce; mpirun in the server's namespace starts
# each rank in a host's namespace through an rsh agent), in one run. MPI is
# timed with OpenMPI's default choice of algorithm and with the ring forced;
# the ratio is against the faster. Needs root and iproute2; the MPI columns
# need OpenMPI (./setup.sh bench installs it) and are left out without it.
#
#   bench/cluster_links.sh [RATE]      (default 1gbit; tc's units)
set -euo pipefail
cd "$(dirname "$0")/.."
b=build
rate=${1:-1gbit}
[ -x $b/bench_round ] || { echo "cluster_links: build bench_round first" >&2; exit 2; }
if [ "$(id -u)" -ne 0 ] || ! command -v tc >/dev/null; then
  echo "cluster_links: needs root, ip and tc" >&2
  exit 2
fi
rounds=20
tag="lsgdb$$"
tmp=$(mktemp -d)
have_mpi=0
[ -x $b/bench_mpi_allreduce ] && command -v mpirun >/dev/null && have_mpi=1
namespaces=()
cleanup() {
  for ns in "${namespaces[@]}"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
switch="${tag}x"
ip netns add "$switch"; namespaces+=("$switch")
ip netns exec "$switch" ip link set lo up
ip netns exec "$switch" sysctl -qw net.ipv4.ip_forward=1
# Host h (0: the server, 1..8: workers) is 10.232.h.2 behind 10.232.h.1.
limit() { # namespace device: RATE out of it
  ip netns exec "$1" tc qdisc add dev "$2" root tbf rate "$rate" burst 256kb latency 100ms
}
for h in $(seq 0 8); do
  ns="${tag}h$h"
  ip netns add "$ns"; namespaces+=("$ns")
  ip link add "${tag}s$h" type veth peer name "${tag}n$h"
  ip link set "${tag}s$h" netns "$switch"
  ip link set "${tag}n$h" netns "$ns"
  ip netns exec "$switch" ip addr add "10.232.$h.1/24" dev "${tag}s$h"
  ip netns exec "$switch" ip link set "${tag}s$h" up
  ip netns exec "$ns" ip addr add "10.232.$h.2/24" dev "${tag}n$h"
  ip netns exec "$ns" ip link set "${tag}n$h" up
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ip route add default via "10.232.$h.1"
  limit "$switch" "${tag}s$h"
  limit "$ns" "${tag}n$h"
done

ms_of() { sed -E 's/.*: ([0-9.]+) ms per.*/\1/'; }
round() { # mode ("" or "chain-") relay (0/1) d N ids -> ms per round
  local mode=$1 relay=$2 d=$3 N=$4 ids=$5
  # A join that fails would leave the server waiting: every process has 5 min.
  ip netns exec "${tag}h0" env LSGD_BENCH_HOST=10.232.0.2 LSGD_BENCH_RELAY="$relay" \
    timeout 300 $b/bench_round "${mode}serve" "$d" "$N" $rounds "$ids" >"$tmp/serve.log" 2>&1 &
  local srv=$!
  for _ in $(seq 100); do grep -q listening "$tmp/serve.log" && break; sleep 0.05; done
  local port; port=$(awk '/listening/{print $2}' "$tmp/serve.log")
  for h in $(seq "$N"); do
    ip netns exec "${tag}h$h" env LSGD_BENCH_HOST=10.232.0.2 \
      timeout 300 $b/bench_round "${mode}join" "$port" "$d" "$N" $rounds "$ids" \
      >"$tmp/join$h.log" 2>&1 &
  done
  wait
  if ! grep -q "ms per round" "$tmp/serve.log"; then
    echo "cluster_links: ${mode}serve d = $d, $N hosts x $ids ids failed:" >&2
    cat "$tmp/serve.log" "$tmp"/join*.log >&2
    exit 1
  fi
  grep "ms per round" "$tmp/serve.log" | ms_of
}
# OpenMPI's launcher reaches a "host" through this agent: the host is a
# namespace, and the daemon it starts there calls back over the links.
cat >"$tmp/agent" <<'AGENT'
#!/bin/sh
host=$1; shift
exec ip netns exec "$host" /bin/sh -c "$*"
AGENT
chmod +x "$tmp/agent"
mpi() { # N [extra mca args] -> ms per MPI_Allreduce of d = $d doubles
  local N=$1; shift
  local hosts; hosts=$(seq -s, -f "${tag}h%g" 1 "$N")
  ip netns exec "${tag}h0" timeout 300 mpirun --allow-run-as-root --oversubscribe \
    --host "$hosts" -np "$N" --mca plm_rsh_agent "$tmp/agent" --mca btl tcp,self \
    --mca btl_tcp_if_include 10.232.0.0/16 --mca oob_tcp_if_include 10.232.0.0/16 "$@" \
    $b/bench_mpi_allreduce "$d" $rounds 2>"$tmp/mpi.err" | grep "mpi allreduce" | ms_of \
    || { echo "cluster_links: mpirun across $N hosts failed:" >&2; cat "$tmp/mpi.err" >&2; exit 1; }
}
ring=(--mca coll_tuned_use_dynamic_rules 1 --mca coll_tuned_allreduce_algorithm 4)
r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "Links of $rate each way, $rounds rounds, one process per host:"
echo
echo "| d | worker hosts | ids each | star | chain, averages from the server | chain, averages relayed | MPI-TCP, default | MPI-TCP, ring | relayed / star | relayed / from the server | relayed / MPI-TCP |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for d in 1000000; do
  for N in 2 4 8; do
    m="-"; g="-"; best=""
    if ((have_mpi)); then
      m=$(mpi $N); g=$(mpi $N "${ring[@]}")
      best=$(awk -v a="$m" -v b="$g" 'BEGIN { print (a < b ? a : b) }')
      m="$m ms"; g="$g ms"
    fi
    for ids in 1 10; do
      s=$(round "" 1 $d $N $ids)
      c=$(round chain- 0 $d $N $ids)
      x=$(round chain- 1 $d $N $ids)
      vs_mpi="-"; [ -n "$best" ] && vs_mpi="$(r "$x" "$best")x"
      echo "| $d | $N | $ids | $s ms | $c ms | $x ms | $m | $g | $(r "$x" "$s")x | $(r "$x" "$c")x | $vs_mpi |"
    done
  done
done
