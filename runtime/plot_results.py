#!/usr/bin/env python3
"""Draws the figures of a localsgd results folder (PNG and SVG next to the data).

error_vs_iteration: mean F(xbar_t) - F* over repetitions against t (log y), with a
    band of one standard error and, where known, the exact expectation dashed.
error_vs_round: mean error after each averaging round against the round (log-log).
speedup_vs_N: speed-up s1 / E_N against N with the line speed-up = N (if measured).
"""
import csv
import json
import math
import os
import sys
from collections import OrderedDict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_series(path, x_key):
    series = OrderedDict()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = (row["method"], int(row["N"]))
            s = series.setdefault(key, {"x": [], "mean": [], "se": [], "exact": []})
            s["x"].append(int(row[x_key]))
            s["mean"].append(float(row["mean_error"]))
            se = float(row["stderr"])
            s["se"].append(0.0 if math.isnan(se) else se)
            exact = row.get("exact_error", "")
            s["exact"].append(float(exact) if exact else None)
    return series


def label(method, n, several_n):
    return f"{method}, N = {n}" if several_n else method


def save(fig, folder, name):
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(folder, f"{name}.{ext}"), dpi=120, bbox_inches="tight")
    plt.close(fig)


def main(folder):
    with open(os.path.join(folder, "summary.json")) as f:
        summary = json.load(f)
    title = summary["config"]["name"]
    several_n = len(summary["config"]["N"]) > 1

    traj = read_series(os.path.join(folder, "trajectory.csv"), "t")
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for (method, n), s in traj.items():
        if method == "single":
            continue
        lo = [max(m - e, 1e-300) for m, e in zip(s["mean"], s["se"])]
        hi = [m + e for m, e in zip(s["mean"], s["se"])]
        (line,) = ax.plot(s["x"], s["mean"], label=label(method, n, several_n), lw=1.2)
        ax.fill_between(s["x"], lo, hi, color=line.get_color(), alpha=0.2, lw=0)
        if all(v is not None for v in s["exact"]):
            ax.plot(s["x"], s["exact"], ls="--", lw=0.8, color=line.get_color())
    ax.set_yscale("log")
    ax.set_xlabel("iteration t")
    ax.set_ylabel("mean F(x̄_t) − F*  (band: ± 1 s.e.; dashed: exact)")
    ax.set_title(f"{title}: error vs iteration")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, folder, "error_vs_iteration")

    rounds = read_series(os.path.join(folder, "rounds.csv"), "round")
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for (method, n), s in rounds.items():
        if method == "single":
            continue
        pts = [(r, m) for r, m in zip(s["x"], s["mean"]) if r > 0 and m > 0]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=".",
                    label=label(method, n, several_n), lw=1.2)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("communication round r")
    ax.set_ylabel("mean F(x̄) − F* after round r")
    ax.set_title(f"{title}: error vs communication round")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, folder, "error_vs_round")

    speedups = [e for e in summary["results"] if e.get("speedup") and e["speedup"]["mean"]]
    if speedups:
        fig, ax = plt.subplots(figsize=(6, 4.5))
        by_method = OrderedDict()
        for e in speedups:
            by_method.setdefault(e["method"], []).append(e)
        for method, es in by_method.items():
            es.sort(key=lambda e: e["N"])
            ax.errorbar([e["N"] for e in es], [e["speedup"]["mean"] for e in es],
                        yerr=[e["speedup"]["stderr"] or 0 for e in es], marker="o",
                        capsize=3, label=method)
        ns = sorted({e["N"] for e in speedups})
        ax.plot(ns, ns, "k--", lw=0.8, label="linear (speed-up = N)")
        ax.set_xlabel("workers N")
        ax.set_ylabel("speed-up s1 / E_N (mean error at T)")
        ax.set_title(f"{title}: speed-up")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        save(fig, folder, "speedup_vs_N")
    print(f"figures written to {folder}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: plot_results.py RESULTS_DIR")
    try:
        main(sys.argv[1])
    except (OSError, KeyError, ValueError) as e:
        sys.exit(f"plot_results: {e}")
