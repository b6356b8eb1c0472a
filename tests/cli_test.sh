#!/usr/bin/env bash
# The command line as a user meets it: exit codes, one-line errors, result files.
set -u
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
passes=0
check() { # description, then a command that must succeed
  local what=$1; shift
  if "$@"; then passes=$((passes + 1)); else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

# A bad config: exit 2, one line on stderr naming the key, no result files.
"$bin" run "$src/tests/configs/bad/unknown_top_key.toml" --out "$tmp/bad" 2>"$tmp/err"
check "bad config exits 2" test $? -eq 2
check "bad config error is one line" test "$(wc -l <"$tmp/err")" -eq 1
check "bad config error names the key" grep -q "repetitons: unknown key" "$tmp/err"
check "bad config writes nothing" test ! -e "$tmp/bad"

"$bin" run "$tmp/does-not-exist.toml" 2>"$tmp/err"
check "missing config exits 2" test $? -eq 2
check "missing config is named" grep -q "cannot open the config file" "$tmp/err"

"$bin" run "$src/configs/paper/quadratic.toml" --set 'T="x"' 2>"$tmp/err"
check "bad --set exits 2" test $? -eq 2
check "bad --set names the key" grep -q "T: expected an integer" "$tmp/err"

"$bin" run --no-such-flag 2>/dev/null
check "unknown flag exits 2" test $? -eq 2
"$bin" 2>/dev/null
check "no subcommand exits 2" test $? -eq 2

# A small good run.
cfg="$src/configs/paper/quadratic.toml"
small=(--set repetitions=4 --set record_every=10 --quiet)
"$bin" run "$cfg" "${small[@]}" --threads 1 --out "$tmp/t1"
check "run exits 0" test $? -eq 0
for f in summary.json trajectory.csv rounds.csv; do
  check "$f written" test -s "$tmp/t1/$f"
done
check "no temporary files left" test -z "$(ls "$tmp/t1" | grep tmp)"
check "trajectory header" test "$(head -1 "$tmp/t1/trajectory.csv")" = "method,N,t,mean_error,stderr,exact_error"
check "rounds header" test "$(head -1 "$tmp/t1/rounds.csv")" = "method,N,round,t,mean_error,stderr,workers"
# 8 methods x 101 recorded steps (0, 10, ..., 1000) + header
check "trajectory rows" test "$(wc -l <"$tmp/t1/trajectory.csv")" -eq $((8 * 101 + 1))
if command -v python3 >/dev/null; then
  check "summary.json fields" python3 - "$tmp/t1/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
assert s["config"]["repetitions"] == 4
assert s["complete"] is True and "failure" not in s
r = {e["method"]: e for e in s["results"]}
assert sorted(r) == sorted(["sync", "stich", "haddadpour", "increasing", "constant", "one_shot",
                            "fedac1", "fedac2"])
for e in r.values():
    for k in ["method", "N", "reps", "rounds", "final_error", "messages", "bytes", "wall_seconds"]:
        assert k in e, k
    assert e["N"] == 20 and e["reps"] == 4
    assert e["messages"] == 2 * 20 * e["rounds"]
    assert e["bytes"] == e["messages"] * (6 if e["method"].startswith("fedac") else 3) * 8
assert r["fedac1"]["local_method"].startswith("FedAC-I, eta = ")
assert r["sync"]["local_method"] == "SGD, step size 3/(1 (t + 1))"
assert r["sync"]["rounds"] == 1000 and r["increasing"]["rounds"] == 20 and r["one_shot"]["rounds"] == 1
PY
fi

# Identical numbers with another thread count.
"$bin" run "$cfg" "${small[@]}" --threads 2 --out "$tmp/t2"
check "same trajectory with 2 threads" cmp -s "$tmp/t1/trajectory.csv" "$tmp/t2/trajectory.csv"
check "same rounds with 2 threads" cmp -s "$tmp/t1/rounds.csv" "$tmp/t2/rounds.csv"

# runs.csv, the paired comparisons and the provenance, against summary.json.
check "runs.csv written" test -s "$tmp/t1/runs.csv"
check "runs header" test "$(head -1 "$tmp/t1/runs.csv")" = \
  "method,N,repetition,final_error,median_error_t10,rounds,diverged,diverged_step,wall_seconds"
# 8 methods x 1 N x 4 repetitions + header
check "runs rows" test "$(wc -l <"$tmp/t1/runs.csv")" -eq $((8 * 1 * 4 + 1))
check "same runs.csv numbers with 2 threads" \
  cmp -s <(cut -d, -f1-8 "$tmp/t1/runs.csv") <(cut -d, -f1-8 "$tmp/t2/runs.csv")
if command -v python3 >/dev/null; then
  check "runs.csv, paired and provenance match summary.json" python3 - "$tmp/t1" <<'PY'
import csv, json, math, statistics, sys
d = sys.argv[1]
def strict(x): raise ValueError("not JSON: " + x)
s = json.load(open(d + "/summary.json"), parse_constant=strict)
rows = list(csv.DictReader(open(d + "/runs.csv")))
runs = {}
for r in rows:
    runs.setdefault((r["method"], int(r["N"])), []).append(r)
assert s["config"]["report"] == {"baseline": "sync", "confidence": 0.95, "targets": []}
for e in s["results"]:
    rs = runs[(e["method"], e["N"])]
    assert [int(r["repetition"]) for r in rs] == list(range(e["reps"]))
    finals = [float(r["final_error"]) for r in rs]
    medians = [float(r["median_error_t10"]) for r in rs]
    assert math.isclose(statistics.mean(finals), e["final_error"]["mean"], rel_tol=1e-12)
    assert math.isclose(statistics.mean(medians), e["trajectory_median_error"]["mean"], rel_tol=1e-12)
    assert math.isclose(statistics.median(finals), e["final_error_median"], rel_tol=1e-12)
    assert all(int(r["rounds"]) == e["rounds"] and r["diverged"] == "0" and r["diverged_step"] == ""
               for r in rs)
    assert math.isclose(sum(float(r["wall_seconds"]) for r in rs), e["wall_seconds"], rel_tol=1e-9)
    if e["method"] == "sync":
        assert "paired" not in e
        continue
    p = e["paired"]
    base = [float(r["final_error"]) for r in runs[("sync", e["N"])]]
    diff = [a - b for a, b in zip(finals, base)]
    assert p["baseline"] == "sync" and p["repetitions"] == 4 and p["pairs_left_out"] == 0
    assert p["level"] == 0.95
    assert math.isclose(p["difference"], statistics.mean(diff), rel_tol=1e-9)
    assert math.isclose(p["stderr"], statistics.stdev(diff) / 2, rel_tol=1e-9)
    t = 3.182446305284263  # t_{3, 0.975}
    assert math.isclose(p["interval"][0], p["difference"] - t * p["stderr"], rel_tol=1e-9)
    assert math.isclose(p["ratio"], statistics.mean(finals) / statistics.mean(base), rel_tol=1e-12)
    lo, hi = p["ratio_interval"]
    assert lo < p["ratio"] < hi
    assert "paired_speedup" not in e  # no s1 without [speedup]
assert "paired_definition" in s
v = s["provenance"]
assert v["localsgd"] == s["provenance"]["localsgd"] and v["localsgd"].count(".") == 2
assert v["caf"].startswith("0.17.") and v["eigen"].startswith("3.") and v["tomlplusplus"]
assert v["compiler"] and v["host"] and v["threads"] == 1 == s["threads"]
assert v["command_line"][1:3] == ["run", v["command_line"][2]] and "--threads" in v["command_line"]
assert v["started"].endswith("Z") and v["started"] <= v["finished"]
assert v["git"] is None or len(v["git"]) >= 7
PY
fi
"$bin" run "$cfg" --set repetitions=1 --set T=100 --set report.baseline=stich --set report.confidence=0.9 \
  --threads 1 --out "$tmp/one" >"$tmp/one.out"
check "one repetition, another baseline: exits 0" test $? -eq 0
check "the table's paired column names the baseline" grep -Eq "^sync .* [-+][0-9.]+% vs stich " "$tmp/one.out"
check "... and marks it" grep -Eq "^stich .* baseline " "$tmp/one.out"
if command -v python3 >/dev/null; then
  check "one repetition: a paired difference without error or interval (null, not NaN)" \
    python3 - "$tmp/one/summary.json" <<'PY'
import json, sys
def strict(x): raise ValueError("not JSON: " + x)
s = json.load(open(sys.argv[1]), parse_constant=strict)
r = {e["method"]: e for e in s["results"]}
assert "paired" not in r["stich"]
p = r["sync"]["paired"]
assert p["baseline"] == "stich" and p["repetitions"] == 1 and p["level"] == 0.9
assert p["difference"] is not None and p["ratio"] is not None
assert p["stderr"] is None and p["interval"] is None and p["ratio_interval"] is None
PY
fi
"$bin" run "$cfg" --set report.baseline=nosuch --out "$tmp/nob" 2>"$tmp/err"
check "a baseline that is not a method exits 2" test $? -eq 2
check "... in one line naming the methods" test "$(wc -l <"$tmp/err")" -eq 1 -a \
  "$(grep -c 'report.baseline: "nosuch" is not a \[\[method\]\] (the methods: sync, stich' "$tmp/err")" -eq 1

# Figures, where Debian's matplotlib is installed (setup.sh installs it).
if /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
  "$bin" plot "$tmp/t1" >/dev/null
  check "plot exits 0" test $? -eq 0
  for f in error_vs_iteration.png error_vs_iteration.svg error_vs_round.png error_vs_round.svg; do
    check "$f drawn" test -s "$tmp/t1/$f"
  done
else
  echo "cli: matplotlib missing, figures not checked"
fi
"$bin" plot "$tmp/nowhere" 2>/dev/null
check "plot of a missing folder fails" test $? -ne 0

# check prints the plan.
"$bin" check "$cfg" >"$tmp/plan"
check "check exits 0" test $? -eq 0
check "check shows the increasing schedule" grep -q "increasing .* R = 20 .* times: 4 14 28 47" "$tmp/plan"

# --- a run killed mid-way resumes to the numbers of an uninterrupted one -----
long=("$cfg" --set repetitions=100 --set T=2000 --set record_every=100
      --set checkpoint.interval=0.05 --quiet)
"$bin" run "${long[@]}" --set checkpoint.enabled=false --out "$tmp/whole"
# 16 threads cut the repetitions into more batches than the resume's 1 would:
# the resumed run keeps the checkpoints' layout.
"$bin" run "${long[@]}" --threads 16 --out "$tmp/killed" & victim=$!
for _ in $(seq 400); do
  ls "$tmp/killed/checkpoint/"batch-*.ckpt >/dev/null 2>&1 && break
  sleep 0.02
done
kill -9 "$victim"; wait "$victim" 2>/dev/null
check "a killed run leaves checkpoints and no summary" \
  test -e "$tmp/killed/checkpoint/run.json" -a ! -e "$tmp/killed/summary.json"
"$bin" run --resume "$tmp/killed" --quiet --threads 1
check "run --resume with another --threads exits 0" test $? -eq 0
for f in trajectory.csv rounds.csv; do
  check "resumed $f identical to the uninterrupted run" cmp -s "$tmp/whole/$f" "$tmp/killed/$f"
done
check "a finished run removes its checkpoints" test ! -e "$tmp/killed/checkpoint"
"$bin" run --resume "$tmp/killed" 2>"$tmp/err"
check "resume without a checkpoint exits 2" test $? -eq 2
check "resume without a checkpoint says so" grep -q "no checkpoint to resume from" "$tmp/err"
"$bin" run "$cfg" --resume "$tmp/killed" 2>"$tmp/err"
check "resume with a config exits 2" test $? -eq 2
# A data set end to end: logistic regression on tests/data/tiny.csv, copied so that the
# F* cache is written next to the copy.
mkdir -p "$tmp/data"
cp "$src/tests/data/tiny.csv" "$tmp/data/"
cat >"$tmp/data/tiny.toml" <<'TOML'
seed = 3
repetitions = 4
T = 200
N = [2, 4]
record_every = 20
[objective]
type = "logistic_regression"
data = "tiny.csv"
header = true
lambda = 0.1
batch_size = 2
[step_size]
type = "inverse_time"
alpha = 2.0
mu = 0.1
beta = 10.0
[[method]]
name = "increasing"
schedule = { type = "increasing", rounds = "N" }
[[method]]
name = "one_shot"
schedule = "one_shot"
[speedup]
enabled = true
TOML
"$bin" run "$tmp/data/tiny.toml" --out "$tmp/d1" --threads 1 >"$tmp/d1.out"
check "data run exits 0" test $? -eq 0
check "data run computes F* by Newton" grep -q "^F\* = .* by Newton's method" "$tmp/d1.out"
check "data run writes the F* cache" test -s "$tmp/data/tiny.csv.optimum.json"
"$bin" run "$tmp/data/tiny.toml" --out "$tmp/d2" --threads 2 >"$tmp/d2.out"
check "second data run reads F* from the cache" grep -q "^F\* = .* from the cache" "$tmp/d2.out"
check "data run: same trajectory with 2 threads" cmp -s "$tmp/d1/trajectory.csv" "$tmp/d2/trajectory.csv"
if command -v python3 >/dev/null; then
  check "data summary.json: optimum and objective" python3 - "$tmp/d1/summary.json" "$tmp/d2/summary.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a["optimum"]["source"] == "Newton" and b["optimum"]["source"] == "cache"
assert a["optimum"]["F*"] == b["optimum"]["F*"] and a["optimum"]["gradient_norm"] < 1e-8
o = a["config"]["objective"]
assert o["type"] == "logistic_regression" and o["dimension"] == 4 and o["x0"] == [0, 0, 0, 0]
assert o["lambda"] == 0.1 and o["batch_size"] == 2 and o["split"] == "shared"
r = {(e["method"], e["N"]): e for e in a["results"]}
assert r[("increasing", 4)]["bytes"] == r[("increasing", 4)]["messages"] * 4 * 8
assert all(e["final_error"]["mean"] > 0 for e in a["results"])
# s1 is shared: one_shot's speed-ups against the baseline (increasing) at each N.
for N in (2, 4):
    e, base = r[("one_shot", N)], r[("increasing", N)]
    p = e["paired_speedup"]
    assert p["baseline"] == "increasing" and p["repetitions"] == 4
    assert abs(p["difference"] - (e["speedup"]["mean"] - base["speedup"]["mean"])) < 1e-9 * abs(p["difference"])
    assert abs(p["ratio"] - e["speedup"]["mean"] / base["speedup"]["mean"]) < 1e-12
    assert abs(p["ratio"] * e["paired"]["ratio"] - 1) < 1e-12  # s1 cancels
    assert p["interval"][0] < p["difference"] < p["interval"][1]
assert "paired" not in r[("single", 1)] and "paired" not in r[("increasing", 2)]
PY
fi
# A bad data file: exit 2 and one line naming the config key and the data file's line.
printf 'x1,x2,x3,label\n1,2,3,1\n4,5,6\n' >"$tmp/data/tiny.csv"
"$bin" run "$tmp/data/tiny.toml" --out "$tmp/d3" 2>"$tmp/err"
check "bad data file exits 2" test $? -eq 2
check "bad data error is one line" test "$(wc -l <"$tmp/err")" -eq 1
check "bad data error names key, file and line" \
  grep -q "tiny.toml:8: objective.data: .*tiny.csv:3: ragged row: 3 fields, expected 4" "$tmp/err"
check "bad data writes nothing" test ! -e "$tmp/d3"

echo "cli: $passes passed, $failures failed"
test "$failures" -eq 0
