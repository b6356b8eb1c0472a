#!/usr/bin/env bash
# Runs every case of cases.txt and compares its results with expected/<case>/
# byte for byte (summary.json through normalize.py). With --update as the third
# argument it writes expected/ instead.
#   golden_test.sh LOCALSGD SOURCE_DIR [--update]
set -euo pipefail
bin=$1; src=$2; update=${3:-}
here=$src/tests/golden
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failed=0
while read -r name config overrides; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  # The outputs were made before issue 12 changed the default generator.
  sets=(--set random.generator=philox4x64-ziggurat)
  for o in $overrides; do sets+=(--set "$o"); done
  out=$tmp/$name
  "$bin" run "$src/$config" --out "$out" --quiet --threads 2 "${sets[@]}"
  python3 "$here/normalize.py" "$out/summary.json" > "$out/summary.norm.json"
  if [ "$update" = --update ]; then
    mkdir -p "$here/expected/$name"
    cp "$out/summary.norm.json" "$here/expected/$name/summary.json"
    cp "$out/trajectory.csv" "$out/rounds.csv" "$here/expected/$name/"
    continue
  fi
  for f in trajectory.csv rounds.csv; do
    cmp -s "$out/$f" "$here/expected/$name/$f" || { echo "golden: $name: $f differs"; failed=1; }
  done
  cmp -s "$out/summary.norm.json" "$here/expected/$name/summary.json" \
    || { echo "golden: $name: summary.json differs"; diff "$out/summary.norm.json" "$here/expected/$name/summary.json" | head -20; failed=1; }
done < "$here/cases.txt"
[ "$update" = --update ] && { echo "golden: expected/ written"; exit 0; }
[ $failed = 0 ] && echo "golden: every case matches"
exit $failed
