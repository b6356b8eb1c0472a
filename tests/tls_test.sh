#!/usr/bin/env bash
# TLS between nodes (runtime/exec/tls.hpp) with throw-away certificates made by the
# openssl command: a TLS run gives the numbers of one process; a worker with a
# certificate of another CA, or with none, is refused and the server carries
# on; a worker refuses a server whose certificate another CA signed; bytes on
# the wire, seen through a relay (tcp_relay.py), are encrypted with TLS and
# plain without; a whole sweep under TLS gives run's files and refuses a
# worker of another CA; bad certificate files stop serve and join with exit code 2.
# Skipped (exit 77) without the openssl command or python3.
set -u
bin=$(realpath "$1")
src=$(realpath "$2")
if ! command -v openssl >/dev/null || ! command -v python3 >/dev/null; then
  echo "tls: skipped (needs the openssl command and python3)"
  exit 77
fi
source "$(dirname "${BASH_SOURCE[0]}")/process_lib.sh"
# Runs `localsgd join ARGS...` in the foreground (at most 20 s), output in $1; sets $rc.
join_now() {
  local log=$1; shift
  "$bin" join "$@" >"$log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  wait_for "$pid" 20
}

# --- throw-away certificates: our CA, a server, a worker; a rogue CA and its worker
cd "$tmp" || exit 1
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
make_ca() { openssl req -x509 "${ec[@]}" -keyout "$1.key" -out "$1.pem" -days 2 -subj "/CN=$1"; }
make_cert() { # name, CA
  openssl req "${ec[@]}" -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" &&
    openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 \
      -out "$1.pem"
}
{ make_ca ca && make_ca rogue_ca && make_cert server ca && make_cert worker ca &&
    make_cert rogue rogue_ca; } 2>"$tmp/openssl.log" || { cat "$tmp/openssl.log"; exit 1; }
good=(--tls-certificate worker.pem --tls-key worker.key --tls-ca ca.pem)
rogue=(--tls-certificate rogue.pem --tls-key rogue.key --tls-ca rogue_ca.pem)

# The run config: the paper's Q with a marker that travels inside the config
# text the server sends to each joining worker, and a [tls] table with paths
# relative to the config's folder.
marker="lsgd-plaintext-canary-5e1f"
mkdir -p "$tmp/cluster"
{ cat "$src/configs/paper/quadratic.toml"
  printf '\n# %s\n[tls]\ncertificate = "../server.pem"\nkey = "../server.key"\nca = "../ca.pem"\n' \
    "$marker"; } >"$tmp/cluster/q.toml"
cfg="$tmp/cluster/q.toml"
small=(--method increasing --set repetitions=10 --set record_every=5)

# --- a TLS run: refused workers first, then good ones (one through the relay) --
start_server "$tmp/serve.log" "$cfg" "${small[@]}" --out "$tmp/served" --join-timeout 60
join_now "$tmp/rogue.log" "127.0.0.1:$port" --workers 5 "${rogue[@]}"
check "a worker of another CA is refused (exit 3, no hang)" test "$rc" -eq 3
check "... with a one-line TLS error" \
  grep -q "^localsgd: cannot reach a server at .*TLS" "$tmp/rogue.log"
check "... of one line" test "$(wc -l <"$tmp/rogue.log")" -eq 1
join_now "$tmp/plain.log" "127.0.0.1:$port" --workers 5
check "a worker without a certificate is refused (exit 3, no hang)" test "$rc" -eq 3
check "... and told the server may run TLS" grep -q "if the server runs TLS" "$tmp/plain.log"
check "the server is still there" kill -0 "$serve_pid"
start_relay "$port" --capture "$tmp/tls.capture"
"$bin" join "127.0.0.1:$relay_port" --workers 12 "${good[@]}" >"$tmp/j1.log" 2>&1 & j1=$!
"$bin" join "127.0.0.1:$port" --workers 8 "${good[@]}" --threads 2 >"$tmp/j2.log" 2>&1 & j2=$!
pids+=("$j1" "$j2")
wait_for "$serve_pid" 60; check "TLS served run exits 0" test "$rc" -eq 0
for j in "$j1" "$j2"; do
  wait_for "$j" 30; check "TLS worker process exits 0" test "$rc" -eq 0
done
"$bin" run "$cfg" "${small[@]:2}" --quiet --out "$tmp/local"
for f in trajectory.csv rounds.csv; do
  grep '^increasing,' "$tmp/local/$f" >"$tmp/local.$f"
  check "TLS: $f identical to one process" cmp -s "$tmp/local.$f" <(tail -n +2 "$tmp/served/$f")
done
check "the relay carried the TLS worker's traffic" test -s "$tmp/tls.capture"
check "TLS: the marker is not on the wire" \
  test "$(grep -c -a "$marker" "$tmp/tls.capture")" -eq 0

# --- the control: the same run without TLS puts the config text on the wire ---
start_server "$tmp/plain_serve.log" "$cfg" "${small[@]}" --set tls.enabled=false \
  --out "$tmp/plain_served"
start_relay "$port" --capture "$tmp/plain.capture"
join_now "$tmp/j3.log" "127.0.0.1:$relay_port" --workers 20
check "plain worker process exits 0" test "$rc" -eq 0
wait_for "$serve_pid" 60; check "plain served run exits 0" test "$rc" -eq 0
check "without TLS the marker is on the wire" grep -q -a "$marker" "$tmp/plain.capture"
check "plain: same numbers" cmp -s "$tmp/served/rounds.csv" "$tmp/plain_served/rounds.csv"

# --- a whole sweep under TLS: the pool joins encrypted, the same files as run --
sweep=(--set 'N=[2, 3]' --set repetitions=4 --set T=200 --set record_every=20)
start_server "$tmp/sweep_serve.log" "$cfg" "${sweep[@]}" --out "$tmp/sweep" --join-timeout 30
join_now "$tmp/sweep_rogue.log" "127.0.0.1:$port" --workers 3 "${rogue[@]}"
check "whole sweep: a worker of another CA is refused (exit 3)" test "$rc" -eq 3
"$bin" join "127.0.0.1:$port" --workers 1 "${good[@]}" >"$tmp/s1.log" 2>&1 & s1=$!
"$bin" join "127.0.0.1:$port" --workers 2 "${good[@]}" >"$tmp/s2.log" 2>&1 & s2=$!
pids+=("$s1" "$s2")
wait_for "$serve_pid" 60; check "TLS whole sweep exits 0" test "$rc" -eq 0
for j in "$s1" "$s2"; do
  wait_for "$j" 30; check "TLS whole sweep: the node exits 0" test "$rc" -eq 0
done
"$bin" run "$cfg" "${sweep[@]}" --quiet --out "$tmp/sweep_local"
check "TLS whole sweep: the same results as run" same_csvs "$tmp/sweep_local" "$tmp/sweep"

# --- a worker refuses a server whose certificate another CA signed -------------
# The impostor trusts both CAs, so it would accept our worker: the refusal
# can only come from the worker checking the server.
cat rogue_ca.pem ca.pem >both.pem
{ cat "$src/configs/paper/quadratic.toml"
  printf '\n[tls]\ncertificate = "rogue.pem"\nkey = "rogue.key"\nca = "both.pem"\n'; } >impostor.toml
start_server "$tmp/impostor.log" impostor.toml "${small[@]}" --join-timeout 3 --out "$tmp/imp"
join_now "$tmp/j4.log" "127.0.0.1:$port" --workers 20 "${good[@]}"
check "a worker refuses a server of another CA (exit 3)" test "$rc" -eq 3
check "... with a TLS error" grep -q "^localsgd: cannot reach a server at .*TLS" "$tmp/j4.log"
wait_for "$serve_pid" 10
check "the impostor got no worker (join timeout)" grep -q "join timeout" "$tmp/impostor.log"

# --- a TLS worker meets a plain server --------------------------------------
start_server "$tmp/plain2.log" "$cfg" "${small[@]}" --set tls.enabled=false --join-timeout 3 \
  --out "$tmp/plain2"
join_now "$tmp/j5.log" "127.0.0.1:$port" --workers 20 "${good[@]}"
check "a TLS worker does not join a plain server (exit 3)" test "$rc" -eq 3
check "... and says the server may not run TLS" grep -q "does not run TLS" "$tmp/j5.log"
wait_for "$serve_pid" 10
check "the plain server got no worker" test "$rc" -eq 1

# --- bad certificate settings: exit 2, one line, before any network activity --
openssl pkey -in worker.key -aes256 -passout pass:secret -out encrypted.key 2>/dev/null
bad_join() { # description, expected text, join flags...
  local what=$1 expected=$2; shift 2
  join_now "$tmp/bad.log" 127.0.0.1:1 "$@"
  check "join, $what: exit 2" test "$rc" -eq 2
  check "join, $what: says \"$expected\"" grep -q -- "$expected" "$tmp/bad.log"
  check "join, $what: one line" test "$(wc -l <"$tmp/bad.log")" -eq 1
}
bad_join "no CA" "--tls-ca: missing" --tls-certificate worker.pem --tls-key worker.key
bad_join "a missing file" "--tls-certificate: nope.pem cannot be read" \
  --tls-certificate nope.pem --tls-key worker.key --tls-ca ca.pem
bad_join "a key for a certificate" "--tls-certificate: worker.key holds no PEM certificate" \
  --tls-certificate worker.key --tls-key worker.key --tls-ca ca.pem
bad_join "another node's key" "--tls-key: server.key is not the key of the certificate" \
  --tls-certificate worker.pem --tls-key server.key --tls-ca ca.pem
bad_join "a certificate of another CA" "does not verify against the CA in ca.pem" \
  "${rogue[@]:0:4}" --tls-ca ca.pem
bad_join "an encrypted key (no prompt)" "--tls-key: encrypted.key is encrypted" \
  --tls-certificate worker.pem --tls-key encrypted.key --tls-ca ca.pem </dev/null
"$bin" serve "$cfg" "${small[@]}" --set tls.certificate=missing.pem >"$tmp/out" 2>"$tmp/err"
check "serve with a missing certificate exits 2" test $? -eq 2
check "... naming tls.certificate" grep -q "q.toml: tls.certificate: cannot read the file" "$tmp/err"
check "... before listening" test ! -s "$tmp/out"
"$bin" serve "$cfg" "${small[@]}" --set tls.ca=../rogue_ca.pem >"$tmp/out" 2>"$tmp/err"
check "serve with a certificate the CA did not sign exits 2" test $? -eq 2
check "... and says so" grep -q "tls.certificate: .*server.pem does not verify" "$tmp/err"

echo "tls: $passes passed, $failures failed"
test "$failures" -eq 0
