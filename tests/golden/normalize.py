# The parts of a summary.json that must not change when the code is
# restructured: every number of the results, s1 and F*; not wall times, the
# thread count, paths or where F* came from (the cache or Newton).
import json, sys

s = json.load(open(sys.argv[1]))
out = {"complete": s["complete"], "results": s["results"]}
for e in out["results"]:
    e.pop("wall_seconds", None)
for key in ("s1", "failure"):
    if key in s:
        out[key] = s[key]
if "optimum" in s:
    out["F*"] = s["optimum"]["F*"]
json.dump(out, sys.stdout, indent=1, sort_keys=True)
print()
