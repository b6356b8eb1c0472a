#!/usr/bin/env bash
# The launchers of docs/cluster: node.sh as Slurm tasks (faked SLURM_PROCID)
# gives rounds.csv byte-identical to one process; the real sbatch and the
# ssh launcher where Slurm and ssh to localhost work, each part skipped with
# its reason otherwise (the local part always runs, so the test never skips).
set -u
bin=$1
src=$2
source "$(dirname "${BASH_SOURCE[0]}")/process_lib.sh"
node="$src/docs/cluster/node.sh"
cfg="$src/configs/paper/quadratic.toml"
small=(--set repetitions=6 --set record_every=5)
served=(--method increasing "${small[@]}")
export LSGD_BIN=$bin LSGD_LISTEN=127.0.0.1:0 LSGD_RETRY_FOR=60 SLURM_NTASKS=3
"$bin" run "$cfg" "${small[@]}" --quiet --out "$tmp/local"
grep '^increasing,' "$tmp/local/rounds.csv" >"$tmp/local.rounds"

# --- node.sh as 3 Slurm tasks: joiners first, so they wait for the file -----
addr="$tmp/job.address"
echo "127.0.0.1:1" >"$addr" # a stale file of a server that is gone
SLURM_PROCID=1 LSGD_WORKERS=12 bash "$node" "$addr" >"$tmp/n1.log" 2>&1 & n1=$!
SLURM_PROCID=2 LSGD_WORKERS=8 bash "$node" "$addr" >"$tmp/n2.log" 2>&1 & n2=$!
pids+=("$n1" "$n2")
sleep 1 # the joiners meet the stale file first
SLURM_PROCID=0 bash "$node" "$addr" "$cfg" "${served[@]}" --out "$tmp/served" \
  >"$tmp/n0.log" 2>&1 & n0=$!
pids+=("$n0")
wait_for "$n0" 60; check "node.sh task 0 (serve) exits 0" test "$rc" -eq 0
for n in "$n1" "$n2"; do
  wait_for "$n" 10; check "node.sh joiner exits 0" test "$rc" -eq 0
done
check "rounds.csv identical to localsgd run" \
  cmp -s "$tmp/local.rounds" <(tail -n +2 "$tmp/served/rounds.csv")
check "serve removed its address file" test ! -e "$addr"

# --- the real sbatch, on a single-host Slurm that already runs --------------
if command -v sbatch >/dev/null && command -v slurmctld >/dev/null \
   && timeout 5 sinfo >/dev/null 2>&1; then
  out="$tmp/slurm"
  LSGD_WORKERS=10 timeout 120 sbatch --wait --nodes=1 --ntasks=3 --overcommit \
    --output="$tmp/slurm.log" "$src/docs/cluster/slurm.sbatch" "$cfg" "${served[@]}" \
    --out "$out" >/dev/null 2>&1
  check "sbatch job exits 0" test $? -eq 0
  check "sbatch: rounds.csv identical" cmp -s "$tmp/local.rounds" <(tail -n +2 "$out/rounds.csv")
else
  echo "launch: skipped the sbatch part: no running Slurm here (sbatch, slurmctld, sinfo)"
fi

# --- hosts.sh over ssh to localhost -----------------------------------------
if timeout 10 ssh -o BatchMode=yes -o ConnectTimeout=5 localhost true 2>/dev/null; then
  printf 'localhost\nlocalhost\nlocalhost\n' >"$tmp/hosts"
  LSGD_WORKERS=10 timeout 120 bash "$src/docs/cluster/hosts.sh" "$tmp/hosts" \
    "$tmp/hosts.address" "$cfg" "${served[@]}" --out "$tmp/by_ssh" >"$tmp/ssh.log" 2>&1
  check "hosts.sh exits 0" test $? -eq 0
  check "hosts.sh: rounds.csv identical" \
    cmp -s "$tmp/local.rounds" <(tail -n +2 "$tmp/by_ssh/rounds.csv")
else
  echo "launch: skipped the hosts.sh part: ssh -o BatchMode=yes localhost does not work here"
fi
"$bin" join 127.0.0.1:1 --address-file "$addr" 2>/dev/null
check "join with an address and --address-file exits 2" test $? -eq 2

echo "launch: $passes passed, $failures failed"
test "$failures" -eq 0
