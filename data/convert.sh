#!/usr/bin/env bash
# Rebuilds data/breast_cancer.csv and data/digits.csv from Debian's
# python3-sklearn package without installing it (see data/README.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download python3-sklearn
dpkg-deb -x python3-sklearn_*_all.deb x
src=x/usr/lib/python3/dist-packages/sklearn/datasets/data

# breast_cancer.csv: the first line holds "569,30,malignant,benign"; the rows are
# 30 features then the class (0 = malignant, 1 = benign). Feature names as in
# sklearn.datasets.load_breast_cancer.
{
  printf '%s,' "mean radius" "mean texture" "mean perimeter" "mean area" "mean smoothness" \
    "mean compactness" "mean concavity" "mean concave points" "mean symmetry" \
    "mean fractal dimension" "radius error" "texture error" "perimeter error" "area error" \
    "smoothness error" "compactness error" "concavity error" "concave points error" \
    "symmetry error" "fractal dimension error" "worst radius" "worst texture" \
    "worst perimeter" "worst area" "worst smoothness" "worst compactness" \
    "worst concavity" "worst concave points" "worst symmetry" "worst fractal dimension"
  printf 'target\n'
  tail -n +2 "$src/breast_cancer.csv" | tr -d '\r'
} >"$here/breast_cancer.csv"

# digits.csv: 1797 rows of 64 pixels (8 x 8, values 0..16) then the digit.
# Feature names as in sklearn.datasets.load_digits: pixel_<row>_<column>.
{
  for r in 0 1 2 3 4 5 6 7; do for c in 0 1 2 3 4 5 6 7; do printf 'pixel_%d_%d,' $r $c; done; done
  printf 'target\n'
  zcat "$src/digits.csv.gz" | tr -d '\r'
} >"$here/digits.csv"

cp x/usr/share/doc/python3-sklearn/copyright "$here/sklearn-copyright.txt"
dpkg-deb -f python3-sklearn_*_all.deb Package Version
sha256sum "$here/breast_cancer.csv" "$here/digits.csv"
