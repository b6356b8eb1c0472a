#!/usr/bin/env bash
# A localsgd cluster on plain hosts over ssh: the first host of HOSTS serves,
# the others join through ADDRESS_FILE, which must be on a folder every host
# shares (NFS) at the same path; localsgd must be on each host's PATH (or LSGD_BIN).
#   hosts.sh HOSTS ADDRESS_FILE CONFIG [serve flags: --method M --n N --out DIR ...]
# HOSTS: one host name a line (# comments); e.g. 65 lines for a server and 64 nodes.
# Environment: as docs/cluster/node.sh (LSGD_WORKERS, LSGD_LISTEN, ...), and
# LSGD_SSH (default: ssh -o BatchMode=yes). Exits with the server's exit code.
set -u
hosts_file=$1; address_file=$2; shift 2
here=$(dirname "$(readlink -f "$0")")
mapfile -t hosts < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$hosts_file" | grep -v '^$')
[ "${#hosts[@]}" -ge 2 ] || { echo "hosts.sh: $hosts_file lists fewer than 2 hosts" >&2; exit 2; }
ssh_cmd=${LSGD_SSH:-ssh -o BatchMode=yes}
env_line=""
for v in LSGD_BIN LSGD_LISTEN LSGD_WORKERS LSGD_RETRY_FOR LSGD_JOIN_FLAGS; do
  [ -n "${!v:-}" ] && env_line+="$v=$(printf %q "${!v}") "
done
rm -f "$address_file" # a stale file of an earlier run
pids=()
for i in "${!hosts[@]}"; do
  # shellcheck disable=SC2086 # ssh_cmd is a command and its flags
  # In this folder on every host (the same path on the shared file system), so
  # that relative paths of the config, --out and LSGD_BIN mean the same there.
  $ssh_cmd "${hosts[$i]}" "cd $(printf %q "$PWD") && SLURM_PROCID=$i $env_line bash $(printf %q "$here/node.sh")" \
    "$(printf %q "$address_file")" "$(printf '%q ' "$@")" &
  pids+=($!)
done
wait "${pids[0]}"; rc=$?
for p in "${pids[@]:1}"; do wait "$p" || true; done
exit "$rc"
