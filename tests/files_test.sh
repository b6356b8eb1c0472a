#!/usr/bin/env bash
# What a hostile user can hand the program as files and arguments: special
# files, escape codes, full disks, reused results folders, damaged or foreign
# checkpoints, out-of-range options, odd folder names. Each must end in one
# line on stderr and a documented exit code, never a hang or a crash.
set -u
bin=$(realpath "$1")
src=$2
tmp=$(mktemp -d)
mounted=""
cleanup() {
  [ -n "$mounted" ] && umount "$mounted" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
passes=0
check() { # description, then a command that must succeed
  local what=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
one_line() { test "$(wc -l <"$1")" -eq 1; }
# Runs localsgd with a bound on its time: a hang is a failure (exit 124), not a stuck test.
lsgd() { timeout 60 "$bin" "$@"; }

cfg="$src/configs/paper/quadratic.toml"
small=(--set repetitions=4 --set T=200 --set record_every=10 --quiet)

# --- 1. special files as the config or the data file --------------------------
mkfifo "$tmp/fifo.toml"
lsgd check "$tmp/fifo.toml" 2>"$tmp/err"
check "a FIFO as the config: exit 2" test $? -eq 2
check "a FIFO as the config: one line" one_line "$tmp/err"
check "a FIFO as the config: says so" grep -q "is a FIFO, not a regular file" "$tmp/err"
for dev in /dev/zero /dev/urandom; do
  lsgd run "$dev" --out "$tmp/dev" 2>"$tmp/err"
  check "$dev as the config: exit 2" test $? -eq 2
  check "$dev as the config: one line" one_line "$tmp/err"
  check "$dev as the config: not a regular file" grep -q "character device, not a regular file" "$tmp/err"
done
head -c $((17 << 20)) /dev/zero | tr '\0' '#' >"$tmp/huge.toml"
lsgd check "$tmp/huge.toml" 2>"$tmp/err"
check "a 17 MiB config: exit 2" test $? -eq 2
check "a 17 MiB config: the limit" grep -q "larger than the limit of 16 MiB" "$tmp/err"

mkdir -p "$tmp/data"
data_config() { # data file name -> a config using it
  cat >"$tmp/data/$1.toml" <<TOML
seed = 3
repetitions = 2
T = 20
N = [2]
record_every = 10
[objective]
type = "logistic_regression"
data = "$1"
header = true
lambda = 0.1
[step_size]
type = "inverse_time"
alpha = 2.0
mu = 0.1
beta = 10.0
[[method]]
name = "one_shot"
schedule = "one_shot"
TOML
}
mkfifo "$tmp/data/fifo.csv"
data_config fifo.csv
lsgd check "$tmp/data/fifo.csv.toml" 2>"$tmp/err"
check "a FIFO as the data file: exit 2" test $? -eq 2
check "a FIFO as the data file: one line" one_line "$tmp/err"
check "a FIFO as the data file: says so" grep -q "the data file is a FIFO" "$tmp/err"
ln -s /dev/zero "$tmp/data/zero.csv"
data_config zero.csv
lsgd check "$tmp/data/zero.csv.toml" 2>"$tmp/err"
check "/dev/zero as the data file: exit 2" test $? -eq 2
check "/dev/zero as the data file: one line" one_line "$tmp/err"

truncate -s 5G "$tmp/data/sparse.csv" # 5 GiB that take no room
data_config sparse.csv
lsgd check "$tmp/data/sparse.csv.toml" 2>"$tmp/err"
check "a 5 GiB data file: exit 2" test $? -eq 2
check "a 5 GiB data file: the limit" grep -q "larger than the limit of 4096 MiB" "$tmp/err"

# --- 2. escape codes and huge values from a data file -------------------------
printf 'x1,x2\x1b]0;owned\x07,label\n1,2,1\n3,\x1b[2J,0\n' >"$tmp/data/evil.csv"
data_config evil.csv
lsgd check "$tmp/data/evil.csv.toml" 2>"$tmp/err"
check "escape codes in the data: exit 2" test $? -eq 2
check "escape codes in the data: one line" one_line "$tmp/err"
check "escape codes in the data: no ESC byte in the error" test -z "$(tr -d -c '\033\007' <"$tmp/err")"
check "escape codes in the data: shown escaped" grep -qF '\x1b[2J' "$tmp/err"
{ printf 'a,label\n1,'; head -c $((5 << 20)) /dev/zero | tr '\0' 'y'; printf '\n'; } >"$tmp/data/long.csv"
data_config long.csv
lsgd check "$tmp/data/long.csv.toml" 2>"$tmp/err"
check "a 5 MB field: exit 2" test $? -eq 2
check "a 5 MB field: a short error line" test "$(wc -c <"$tmp/err")" -lt 1000

# --- 3. a full disk leaves no temporary file ----------------------------------
if [ "$(id -u)" -eq 0 ] && mkdir -p "$tmp/disk" && mount -t tmpfs -o size=64k tmpfs "$tmp/disk" 2>/dev/null; then
  mounted=$tmp/disk
  lsgd run "$cfg" --set repetitions=2 --set T=20000 --set record_every=1 --quiet \
    --out "$tmp/disk/out" 2>"$tmp/err"
  check "a full disk: exit 1" test $? -eq 1
  check "a full disk: one line" one_line "$tmp/err"
  check "a full disk: says so" grep -q "No space left on device" "$tmp/err"
  check "a full disk: no temporary file left" test -z "$(find "$tmp/disk" -name '*.tmp.*')"
  umount "$tmp/disk" && mounted=""
else
  echo "files: not root or no tmpfs: the full disk is not checked"
fi

# --- 4. results folders -------------------------------------------------------
lsgd run "$cfg" "${small[@]}" --out "$tmp/o"
check "a first run exits 0" test $? -eq 0
lsgd run "$cfg" "${small[@]}" --out "$tmp/o" 2>"$tmp/err"
check "a reused --out: exit 2" test $? -eq 2
check "a reused --out: one line" one_line "$tmp/err"
check "a reused --out: names --overwrite" grep -q -- "--overwrite" "$tmp/err"
mkdir -p "$tmp/o/checkpoint"; touch "$tmp/o/checkpoint/batch-9.ckpt"
lsgd run "$cfg" "${small[@]}" --set checkpoint.enabled=false --set seed=5 --out "$tmp/o" --overwrite
check "--overwrite: exit 0" test $? -eq 0
check "--overwrite: the old checkpoint is gone" test ! -e "$tmp/o/checkpoint"
check "--overwrite: the new summary" grep -q '"seed": 5' "$tmp/o/summary.json"
mkdir -p "$tmp/r"; touch "$tmp/r/runs.csv"
lsgd run "$cfg" "${small[@]}" --out "$tmp/r" 2>"$tmp/err"
check "a folder holding only an earlier runs.csv: exit 2" test $? -eq 2
check "... naming it" grep -q "runs.csv" "$tmp/err"
touch "$tmp/a_file"
lsgd run "$cfg" --set repetitions=100 --set T=100000 --quiet --out "$tmp/a_file/out" 2>"$tmp/err"
check "an uncreatable --out: exit 2 before any work" test $? -eq 2
check "an uncreatable --out: one line" one_line "$tmp/err"
check "an uncreatable --out: says so" grep -q "cannot create it" "$tmp/err"

# --- 5. checkpoints are checked, not trusted ----------------------------------
long=("$cfg" --set repetitions=100 --set T=2000 --set record_every=100
      --set checkpoint.interval=0.05 --quiet)
killed_run() { # folder, extra args: a run killed once it has written a batch file
  local dir=$1; shift
  "$bin" run "${long[@]}" "$@" --out "$dir" & local victim=$!
  for _ in $(seq 400); do
    ls "$dir/checkpoint/"batch-*.ckpt >/dev/null 2>&1 && break
    sleep 0.02
  done
  kill -9 "$victim"; wait "$victim" 2>/dev/null
  test -e "$dir/checkpoint/run.json"
}
refused() { # what, folder: resume must exit 2 with one line and no --resume advice
  lsgd run --resume "$2" --quiet 2>"$tmp/err"
  local code=$?
  check "$1: resume exits 2 (not $code)" test $code -eq 2
  check "$1: one line" one_line "$tmp/err"
  check "$1: no advice to --resume again" sh -c "! grep -q 'to continue' '$tmp/err'"
}
first_batch() { ls "$1/checkpoint/"batch-*.ckpt | head -1; }
if killed_run "$tmp/k1" && killed_run "$tmp/k2" --set seed=99; then
  cp -r "$tmp/k1" "$tmp/k1.orig"
  b=$(first_batch "$tmp/k1")
  python3 - "$b" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[len(b) // 2] ^= 4; open(p, "wb").write(b)
PY
  refused "a flipped bit" "$tmp/k1"
  check "a flipped bit: named" grep -q "damaged or edited" "$tmp/err"

  rm -rf "$tmp/k1"; cp -r "$tmp/k1.orig" "$tmp/k1"
  b=$(first_batch "$tmp/k1"); truncate -s 100 "$b"
  refused "a truncated batch file" "$tmp/k1"

  rm -rf "$tmp/k1"; cp -r "$tmp/k1.orig" "$tmp/k1"
  cp "$(first_batch "$tmp/k2")" "$tmp/k1/checkpoint/"
  refused "a batch file of a run with another seed" "$tmp/k1"
  check "another seed: named" grep -q "belongs to another run" "$tmp/err"

  for edit in 'T=2000/T=3000' 'record_every=100/record_every=7' 'seed = 2021/seed = 2022'; do
    rm -rf "$tmp/k1"; cp -r "$tmp/k1.orig" "$tmp/k1"
    sed -i "s/$edit/" "$tmp/k1/checkpoint/run.json"
    refused "run.json edited ($edit)" "$tmp/k1"
  done
  # Edited with its checksum recomputed: the batch files belong to another run.
  rm -rf "$tmp/k1"; cp -r "$tmp/k1.orig" "$tmp/k1"
  python3 - "$tmp/k1/checkpoint/run.json" <<'PY'
import hashlib, json, sys
p = sys.argv[1]; j = json.load(open(p))
j["run"]["overrides"] = [o.replace("T=2000", "T=500") for o in j["run"]["overrides"]]
dump = json.dumps(j["run"], separators=(",", ":"), sort_keys=True, ensure_ascii=False)
j["sha256"] = hashlib.sha256(dump.encode()).hexdigest()
json.dump(j, open(p, "w"))
PY
  refused "run.json edited, checksum recomputed" "$tmp/k1"
  check "run.json edited, checksum recomputed: the batch files are another run's" \
    grep -q "belongs to another run" "$tmp/err"
  rm -rf "$tmp/k1"; cp -r "$tmp/k1.orig" "$tmp/k1"
  printf '{"format": "localsgd run 2", garbage' >"$tmp/k1/checkpoint/run.json"
  refused "run.json garbage" "$tmp/k1"

  rm -rf "$tmp/k1"; cp -r "$tmp/k1.orig" "$tmp/k1"
  b=$(first_batch "$tmp/k1"); rm "$b"; ln -s /dev/zero "$b"
  refused "/dev/zero as a batch file" "$tmp/k1"
  rm -rf "$tmp/k1"; cp -r "$tmp/k1.orig" "$tmp/k1"
  rm "$tmp/k1/checkpoint/run.json"; mkfifo "$tmp/k1/checkpoint/run.json"
  refused "a FIFO as run.json" "$tmp/k1"

  rm -rf "$tmp/k1"; cp -r "$tmp/k1.orig" "$tmp/k1"
  lsgd run --resume "$tmp/k1" --quiet
  check "an intact checkpoint still resumes" test $? -eq 0
else
  echo "FAIL: no checkpoint written by a killed run"; failures=$((failures + 1))
fi

# --- 6. the command line ------------------------------------------------------
version=$(sed -n 's/^project(localsgd VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
check "--version" test "$("$bin" --version)" = "localsgd $version"
check "version" test "$("$bin" version)" = "localsgd $version"
"$bin" frobnicate 2>"$tmp/err"
check "an unknown subcommand: exit 2" test $? -eq 2
check "an unknown subcommand: named, with the list" \
  grep -q 'unknown subcommand "frobnicate" (the subcommands: run, check, serve' "$tmp/err"
for args in "serve x.toml --join-timeout -1" "serve x.toml --join-timeout 1e400" \
            "serve x.toml --join-timeout nan" "serve x.toml --n 99999999999999999999999" \
            "serve x.toml --n -3" "join 127.0.0.1:1 --workers 0" "run x.toml --threads -1" \
            "run x.toml --threads 99999999999999999999999"; do
  # shellcheck disable=SC2086
  "$bin" $args 2>"$tmp/err"
  check "$args: exit 2" test $? -eq 2
  check "$args: one short line" test "$(wc -l <"$tmp/err")" -eq 1 -a "$(wc -c <"$tmp/err")" -lt 200
done

# --- 7. plot ------------------------------------------------------------------
if /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
  odd="$tmp/it's \$(touch pwned) \"odd\""
  cp -r "$tmp/o" "$odd"
  (cd "$tmp" && "$bin" plot "$odd" >/dev/null 2>"$tmp/err")
  check "plot of a folder with quotes in its name: exit 0" test $? -eq 0
  check "plot of a folder with quotes: figures drawn" test -s "$odd/error_vs_iteration.png"
  check "plot of a folder with quotes: no shell ran" test ! -e "$tmp/pwned"
  head -c 300 "$tmp/o/trajectory.csv" >"$tmp/t.csv"; mv "$tmp/t.csv" "$tmp/o/trajectory.csv"
  "$bin" plot "$tmp/o" >/dev/null 2>"$tmp/err"
  code=$?
  check "plot of a truncated CSV: exit 1 or 2" test $code -eq 1 -o $code -eq 2
  check "plot of a truncated CSV: one line" one_line "$tmp/err"
  check "plot of a truncated CSV: no traceback" sh -c "! grep -q Traceback '$tmp/err'"
else
  echo "files: matplotlib missing, plot not checked"
fi

echo "files: $passes passed, $failures failed"
test "$failures" -eq 0
