#!/usr/bin/env python3
"""Draws the figures of a localsgd results folder (PNG and SVG next to the data).

error_vs_iteration: mean F(xbar_t) - F* over repetitions against t (log y), with a
    band of one standard error and, where known, the exact expectation dashed.
error_vs_round: mean error after each averaging round against the round (log-log).
    With several N, one panel per N.
speedup_vs_N: speed-up against N with the line speed-up = N, under the authors'
    definition (s1 / mean of per-run median errors after t = 10) and the plain one
    (s1 / mean error at T), if the config measured it.
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
    """{(method, N): {"x", "mean", "se", "exact"}} from trajectory.csv or rounds.csv."""
    series = OrderedDict()
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            if None in row or None in row.values():
                raise ValueError(f"{path}: line {reader.line_num}: a truncated or malformed row")
            key = (row["method"], int(row["N"]))
            if row["mean_error"] == "":  # a round [record] rounds did not evaluate
                continue
            s = series.setdefault(key, {"x": [], "mean": [], "se": [], "exact": []})
            s["x"].append(float(row[x_key]))
            s["mean"].append(float(row["mean_error"]))
            se = float(row["stderr"])
            s["se"].append(0.0 if math.isnan(se) else se)
            exact = row.get("exact_error", "")
            s["exact"].append(float(exact) if exact else None)
    return series


def panels(Ns, title):
    """A figure with one axis per N (a grid), and the axes by N."""
    cols = min(len(Ns), 3)
    rows = (len(Ns) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5.5 * cols, 4 * rows), squeeze=False)
    for ax in axes.flat[len(Ns):]:
        ax.set_visible(False)
    fig.suptitle(title)
    return fig, dict(zip(Ns, axes.flat))


def save(fig, folder, name):
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(folder, f"{name}.{ext}"), dpi=110, bbox_inches="tight")
    plt.close(fig)


def plot_errors(folder, name, csv_name, x_key, title, Ns, draw):
    series = read_series(os.path.join(folder, csv_name), x_key)
    fig, axes = panels(Ns, title)
    for (method, n), s in series.items():
        if method != "single":
            draw(axes[n], method, s)
    for n, ax in axes.items():
        ax.set_title(f"N = {n}", fontsize=10)
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    return fig


def draw_trajectory(ax, method, s):
    lo = [max(m - e, 1e-300) for m, e in zip(s["mean"], s["se"])]
    hi = [m + e for m, e in zip(s["mean"], s["se"])]
    (line,) = ax.plot(s["x"], s["mean"], label=method, lw=1.1)
    ax.fill_between(s["x"], lo, hi, color=line.get_color(), alpha=0.2, lw=0)
    if all(v is not None for v in s["exact"]):
        ax.plot(s["x"], s["exact"], ls="--", lw=0.8, color=line.get_color())
    ax.set_xlabel("iteration t")
    ax.set_ylabel("mean F(x̄_t) − F*")


def draw_sim_time(ax, method, s):
    draw_trajectory(ax, method, s)
    ax.set_xlabel("simulated cluster seconds ([cluster_model])")


def has_column(path, name):
    with open(path, newline="") as f:
        return name in next(csv.reader(f), [])


def draw_rounds(ax, method, s):
    pts = [(r, m) for r, m in zip(s["x"], s["mean"]) if r > 0 and m > 0]
    if pts:
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=".", ms=3,
                label=method, lw=1.1)
    ax.set_xscale("log")
    ax.set_xlabel("communication round r")
    ax.set_ylabel("mean F(x̄) − F* after round r")


def plot_speedup(folder, summary, title):
    entries = [e for e in summary["results"] if e.get("speedup")]
    if not entries:
        return
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    defs = [("speedup_median", "authors' definition: s1 / mean per-run median after t = 10"),
            ("speedup", "plain definition: s1 / mean error at T")]
    Ns = sorted({e["N"] for e in entries})
    for ax, (key, label) in zip(axes, defs):
        by_method = OrderedDict()
        for e in entries:
            if e.get(key) and e[key]["mean"] is not None:
                by_method.setdefault(e["method"], []).append(e)
        for method, es in by_method.items():
            es.sort(key=lambda e: e["N"])
            ax.errorbar([e["N"] for e in es], [e[key]["mean"] for e in es],
                        yerr=[e[key]["stderr"] or 0 for e in es], marker="o", ms=4,
                        capsize=3, label=method)
        ax.plot(Ns, Ns, "k--", lw=0.8, label="linear (speed-up = N)")
        ax.set_xlabel("workers N")
        ax.set_ylabel("speed-up")
        ax.set_title(label, fontsize=9)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(f"{title}: speed-up, s1 = mean single-worker error at T")
    save(fig, folder, "speedup_vs_N")


def main(folder):
    with open(os.path.join(folder, "summary.json")) as f:
        summary = json.load(f)
    title = summary["config"]["name"]
    Ns = sorted(set(summary["config"]["N"]))
    fig = plot_errors(folder, "error_vs_iteration", "trajectory.csv", "t",
                      f"{title}: error vs iteration (band ± 1 s.e., dashed: exact)", Ns,
                      draw_trajectory)
    save(fig, folder, "error_vs_iteration")
    fig = plot_errors(folder, "error_vs_round", "rounds.csv", "round",
                      f"{title}: error vs communication round", Ns, draw_rounds)
    save(fig, folder, "error_vs_round")
    if has_column(os.path.join(folder, "trajectory.csv"), "sim_seconds"):
        fig = plot_errors(folder, "error_vs_sim_seconds", "trajectory.csv", "sim_seconds",
                          f"{title}: error vs simulated cluster time (band ± 1 s.e.)", Ns,
                          draw_sim_time)
        save(fig, folder, "error_vs_sim_seconds")
    plot_speedup(folder, summary, title)
    print(f"figures written to {folder}")


def printable(text, limit=300):
    """text for a one-line message: control characters escaped, cut to limit."""
    out = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[:limit])
    return out + (f"... ({len(text)} characters)" if len(text) > limit else "")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: plot_results.py RESULTS_DIR")
    try:
        main(sys.argv[1])
    except Exception as e:  # one line, never a traceback: the folder is the user's input
        what = f"{type(e).__name__}: {e}" if isinstance(e, (TypeError, AttributeError)) else str(e)
        sys.exit("localsgd plot: " + printable(what or type(e).__name__))
