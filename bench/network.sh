#!/usr/bin/env bash
# One averaging round across processes on loopback: localsgd's server and
# worker actors over caf_io (bench/round_bench.cpp: real actors, models of d
# doubles, no local work) against the floor of caf_io itself (a plain CAF
# actor exchanging byte vectors of the same size with N clients) and against
# MPI_Allreduce of the same d with OpenMPI, over TCP and over shared memory,
# all measured in the same run. Prints a
# markdown table. ./setup.sh bench installs OpenMPI. Then the chain reduction
# ([cluster] reduction) next to the star, the floor and MPI-TCP, with one and
# with 10 worker ids per process, as ratios measured in one run;
# `bench/network.sh chain` prints only that table.
set -euo pipefail
cd "$(dirname "$0")/.."
b=build
only_chain=0; [ "${1:-}" = chain ] && only_chain=1
[ -x $b/bench_round ] && [ -x $b/bench_mpi_allreduce ] || {
  echo "bench/network.sh: build bench_round and bench_mpi_allreduce first (./setup.sh bench)" >&2
  exit 2
}
rounds=30
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
root=(); [ "$(id -u)" -eq 0 ] && root=(--allow-run-as-root)
ms_of() { sed -E 's/.*: ([0-9.]+) ms per.*/\1/'; }

caf_round() { # prefix ("", "echo-" or "chain-") d N [ids per process] -> ms per round
  local mode=$1 d=$2 N=$3 ids=${4:-1}
  $b/bench_round "${mode}serve" "$d" "$N" $rounds "$ids" >"$tmp/serve.log" 2>&1 &
  for _ in $(seq 100); do grep -q listening "$tmp/serve.log" && break; sleep 0.05; done
  local port; port=$(awk '/listening/{print $2}' "$tmp/serve.log")
  for _ in $(seq "$N"); do $b/bench_round "${mode}join" "$port" "$d" "$N" $rounds "$ids" & done
  wait
  grep "ms per round" "$tmp/serve.log" | ms_of
}
mpi() { # d N btl -> ms per allreduce
  mpirun "${root[@]}" --oversubscribe -np "$2" --mca btl "$3" $b/bench_mpi_allreduce "$1" \
    $rounds 2>/dev/null | grep "mpi allreduce" | ms_of
}

r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# N processes of 1 or 10 ids each; the floor (echo) and MPI move one d-vector
# per process, which is what the chain sends whatever the ids per process.
chain_table() {
  echo "| d | processes | ids each | star round | chain round | caf_io floor | MPI-TCP | chain / star | chain / MPI-TCP |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for d in 100000 1000000; do
    for N in 2 4 8; do
      e=$(caf_round echo- $d $N); t=$(mpi $d $N tcp,self)
      for ids in 1 10; do
        s=$(caf_round "" $d $N $ids); c=$(caf_round chain- $d $N $ids)
        echo "| $d | $N | $ids | $s ms | $c ms | $e ms | $t ms | $(r "$c" "$s")x | $(r "$c" "$t")x |"
      done
    done
  done
}
if [ $only_chain = 1 ]; then chain_table; exit 0; fi

echo "| d | N | localsgd round (caf_io) | caf_io floor (echo) | MPI_Allreduce, TCP | MPI_Allreduce, shared memory | localsgd / floor | localsgd / MPI-TCP | floor / MPI-TCP |"
echo "|---|---|---|---|---|---|---|---|---|"
for d in 1000 100000 1000000; do
  for N in 2 4; do
    c=$(caf_round "" $d $N); e=$(caf_round echo- $d $N)
    t=$(mpi $d $N tcp,self); s=$(mpi $d $N vader,self)
    r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
    echo "| $d | $N | $c ms | $e ms | $t ms | $s ms | $(r "$c" "$e")x | $(r "$c" "$t")x | $(r "$e" "$t")x |"
  done
done

echo
r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
chain_table
