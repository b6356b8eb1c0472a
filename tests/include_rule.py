"""Nothing includes upward: each room's files include only their own room's
headers and those of the rooms its library links (directly or through
others), as the target_link_libraries lines of CMakeLists.txt and
runtime/CMakeLists.txt say.   python3 include_rule.py SOURCE_DIR"""
import pathlib, re, sys

root = pathlib.Path(sys.argv[1])
# The folder of each library; actors/run_data.hpp is the header-only run data.
rooms = {"localsgd_numerics": "numerics/", "localsgd_actors": ("actors/", "messages/"),
         "localsgd_run_data": "actors/run_data.hpp"}
for d in (root / "runtime").iterdir():
    if d.is_dir() and d.name != "__pycache__":
        rooms["localsgd_" + d.name] = "runtime/" + d.name + "/"
links = {}
for cm in (root / "CMakeLists.txt", root / "runtime/CMakeLists.txt"):
    for m in re.finditer(r"target_link_libraries\((localsgd_\w+)([^)]*)\)", cm.read_text()):
        links.setdefault(m.group(1), set()).update(re.findall(r"localsgd_\w+", m.group(2)))

def reach(lib, seen=None):
    seen = seen if seen is not None else set()
    for dep in links.get(lib, ()):
        if dep not in seen:
            seen.add(dep)
            reach(dep, seen)
    return seen

def owner(path):
    best = None
    for lib, prefixes in rooms.items():
        for p in (prefixes if isinstance(prefixes, tuple) else (prefixes,)):
            if path.startswith(p) and (best is None or len(p) > len(best[1])):
                best = (lib, p)
    return best[0] if best else None

bad = []
for f in sorted(root.glob("**/*.[hc]pp")):
    rel = f.relative_to(root).as_posix()
    lib = owner(rel)
    if lib is None or rel.startswith(("tests/", "bench/", "examples/", "build")):
        continue
    allowed = reach(lib) | {lib}
    for inc in re.findall(r'#include "([^"]+)"', f.read_text()):
        dep = owner(inc)
        if dep and dep not in allowed:
            bad.append(f"{rel} includes {inc} ({dep}), which {lib} does not link")
for line in bad:
    print("include rule:", line)
print(f"include rule: {'%d violations' % len(bad) if bad else 'every include goes down'}")
sys.exit(1 if bad else 0)
