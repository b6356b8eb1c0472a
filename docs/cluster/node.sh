#!/usr/bin/env bash
# One node of a localsgd cluster: Slurm task 0 serves, every other task joins
# through the address file on the shared file system.
#   node.sh ADDRESS_FILE CONFIG [serve flags: --method M --n N --out DIR ...]
# Environment: SLURM_PROCID (0: serve), LSGD_BIN (default: localsgd),
# LSGD_LISTEN (default: this host's name, any port; a non-loopback address
# also needs TLS or --insecure among the serve flags), LSGD_WORKERS (ids per
# joining node, default 1), LSGD_RETRY_FOR (seconds a joiner waits, default 600),
# LSGD_JOIN_FLAGS (more join flags, e.g. the --tls-* files).
set -eu
address_file=$1; shift
bin=${LSGD_BIN:-localsgd}
if [ "${SLURM_PROCID:?node.sh runs as a Slurm task (or set SLURM_PROCID)}" -eq 0 ]; then
  exec "$bin" serve "$@" --listen "${LSGD_LISTEN:-$(hostname):0}" --address-file "$address_file"
fi
# shellcheck disable=SC2086 # LSGD_JOIN_FLAGS is a list of flags
exec "$bin" join --address-file "$address_file" --workers "${LSGD_WORKERS:-1}" \
  --retry-for "${LSGD_RETRY_FOR:-600}" ${LSGD_JOIN_FLAGS:-}
