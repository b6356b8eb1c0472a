#!/usr/bin/env bash
# The launchers of docs/cluster: node.sh as Slurm tasks (faked SLURM_PROCID)
# gives rounds.csv byte-identical to one process; the real sbatch on a
# single-host Slurm the test starts (where Slurm and munge are installed) and
# the ssh launcher through an sshd the test starts (where sshd is installed),
# each part skipped with its reason otherwise (the local part always runs, so
# the test never skips).
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

# --- the real sbatch, on a single-host Slurm of the test's own --------------
# Where Slurm and munge are installed and we are root, a private cluster of one
# node (8 CPUs declared, so that 3 tasks fit one node) with its own munge key,
# socket, ports and spool in $tmp; else a Slurm that already runs; else skip.
free_port() { python3 "$src/tests/fake_peer.py" free; }
start_private_slurm() {
  local d="$tmp/slurm-cluster" host; host=$(hostname -s)
  mkdir -p "$d/state" "$d/spool"
  head -c 128 /dev/urandom >"$d/munge.key"; chmod 600 "$d/munge.key"
  munged -f -F --key-file="$d/munge.key" --socket="$d/munge.sock" --log-file="$d/munged.log" \
    --pid-file="$d/munged.pid" --seed-file="$d/munged.seed" >/dev/null 2>&1 & pids+=("$!")
  cat >"$d/slurm.conf" <<CONF
ClusterName=localsgdtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$d/munge.sock
CredType=cred/munge
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
NodeName=$host NodeAddr=127.0.0.1 CPUs=8 State=UNKNOWN
PartitionName=localsgd Nodes=ALL Default=YES MaxTime=10 State=UP
CONF
  export SLURM_CONF="$d/slurm.conf"
  for _ in $(seq 50); do [ -S "$d/munge.sock" ] && break; sleep 0.1; done
  slurmctld -D >"$d/slurmctld.out" 2>&1 & pids+=("$!")
  slurmd -D >"$d/slurmd.out" 2>&1 & pids+=("$!")
  for _ in $(seq 100); do
    [ "$(timeout 5 sinfo -h -o %T 2>/dev/null)" = idle ] && return 0
    sleep 0.2
  done
  slurm_why="the private Slurm did not come up: $(tail -n 1 "$d/slurmctld.log" "$d/slurmd.log" 2>/dev/null | tr '\n' ' ')"
  unset SLURM_CONF
  return 1
}
slurm_why="Slurm is not installed (slurmctld, slurmd, munged, sbatch) or we are not root"
have_slurm=0
if [ "$(id -u)" -eq 0 ] && command -v slurmctld >/dev/null && command -v slurmd >/dev/null \
   && command -v munged >/dev/null && command -v sbatch >/dev/null; then
  start_private_slurm && have_slurm=1
elif command -v sbatch >/dev/null && timeout 5 sinfo >/dev/null 2>&1; then
  have_slurm=1 # one that already runs
fi
if [ "$have_slurm" = 1 ]; then
  out="$tmp/slurm"
  # From the source tree, as the README's example: the script finds node.sh
  # although Slurm runs a copy of it from its spool directory.
  (cd "$src" && LSGD_WORKERS=10 timeout 120 sbatch --wait --nodes=1 --ntasks=3 \
    --ntasks-per-node=3 --output="$tmp/slurm.log" docs/cluster/slurm.sbatch "$cfg" \
    "${served[@]}" --out "$out" >/dev/null 2>&1)
  check "sbatch job exits 0" test $? -eq 0
  check "sbatch: rounds.csv identical" cmp -s "$tmp/local.rounds" <(tail -n +2 "$out/rounds.csv")
  [ -f "$out/rounds.csv" ] || cat "$tmp/slurm.log" 2>/dev/null
  if [ -n "${SLURM_CONF:-}" ]; then # ours: stopped, so that nothing is left killed
    scontrol shutdown >/dev/null 2>&1
    munged --stop --socket="$tmp/slurm-cluster/munge.sock" >/dev/null 2>&1
    for p in "${pids[@]: -3}"; do wait_for "$p" 10; done
  fi
else
  echo "launch: skipped the sbatch part: $slurm_why"
fi

# --- hosts.sh over ssh to localhost -----------------------------------------
# Where sshd is installed and we are root, a private sshd on a free loopback
# port with its own host and user keys in $tmp; else ssh to localhost as it is
# set up; else skip.
start_private_sshd() {
  local d="$tmp/sshd" port; port=$(free_port)
  mkdir -p "$d" /run/sshd
  ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" && ssh-keygen -q -t ed25519 -N '' -f "$d/user_key" \
    || { ssh_why="ssh-keygen failed"; return 1; }
  cp "$d/user_key.pub" "$d/authorized_keys"
  printf '%s\n' "Port $port" "ListenAddress 127.0.0.1" "HostKey $d/host_key" \
    "AuthorizedKeysFile $d/authorized_keys" "PidFile $d/sshd.pid" "StrictModes no" \
    "PasswordAuthentication no" "KbdInteractiveAuthentication no" "UsePAM no" \
    "PermitRootLogin prohibit-password" >"$d/sshd_config"
  /usr/sbin/sshd -f "$d/sshd_config" -D -e >"$d/sshd.log" 2>&1 & pids+=("$!")
  export LSGD_SSH="ssh -p $port -i $d/user_key -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=$d/known_hosts"
  ssh_host=127.0.0.1
  for _ in $(seq 50); do
    $LSGD_SSH -o ConnectTimeout=5 "$ssh_host" true 2>/dev/null && return 0
    sleep 0.1
  done
  ssh_why="the private sshd did not come up: $(tail -n 1 "$d/sshd.log")"
  unset LSGD_SSH
  return 1
}
ssh_why="ssh -o BatchMode=yes localhost does not work here and sshd is not installed (or we are not root)"
have_ssh=0
if [ "$(id -u)" -eq 0 ] && [ -x /usr/sbin/sshd ] && command -v ssh-keygen >/dev/null; then
  start_private_sshd && have_ssh=1
elif timeout 10 ssh -o BatchMode=yes -o ConnectTimeout=5 localhost true 2>/dev/null; then
  have_ssh=1; ssh_host=localhost
fi
if [ "$have_ssh" = 1 ]; then
  printf '%s\n' "$ssh_host" "$ssh_host" "$ssh_host" >"$tmp/hosts"
  # Relative paths, as from a project folder: ssh starts in the home folder,
  # so hosts.sh must run node.sh in this one.
  (cd "$tmp" && LSGD_WORKERS=10 timeout 120 bash "$src/docs/cluster/hosts.sh" hosts \
    hosts.address "$cfg" "${served[@]}" --out by_ssh >"$tmp/ssh.log" 2>&1)
  check "hosts.sh exits 0" test $? -eq 0
  check "hosts.sh: rounds.csv identical" \
    cmp -s "$tmp/local.rounds" <(tail -n +2 "$tmp/by_ssh/rounds.csv")
  [ -f "$tmp/by_ssh/rounds.csv" ] || cat "$tmp/ssh.log"
  if [ -n "${LSGD_SSH:-}" ]; then # ours: stopped, so that nothing is left killed
    kill "${pids[-1]}" 2>/dev/null; wait_for "${pids[-1]}" 10
  fi
else
  echo "launch: skipped the hosts.sh part: $ssh_why"
fi
"$bin" join 127.0.0.1:1 --address-file "$addr" 2>/dev/null
check "join with an address and --address-file exits 2" test $? -eq 2

echo "launch: $passes passed, $failures failed"
test "$failures" -eq 0
