#!/usr/bin/env python3
"""Vectorized NumPy baseline for experiments S and L of the Local SGD simulator.

This is "what a researcher would write instead" of localsgd: one NumPy array of
shape (reps, N) per (method, N), a single Python loop over the steps t, one
`rng.standard_normal` call per step, `np.where` for the two-sided derivative
and `.mean(axis=1, keepdims=True)` at communication times.

Problem: F(x) = x^2 (x >= 0), x^2/2 (x < 0), F* = 0; gradients F'(x) + 8 z;
every worker starts at x0 = 2; step sizes eta_t = min(2/(t+1), 0.5).

Reported per (method, N):
  speedup        = mean final error of single workers / mean final error with N
  speedup_median = authors' definition: s1 / E_N with E_N the per-run median over
                   recorded t >= 10 of the error of the virtual average, averaged
                   over runs (s1 stays the single workers' mean error at T).
The virtual average is recorded every `record_every` steps, as in the configs
configs/paper/speedup.toml (1) and lower_bound.toml (8).

Usage: /usr/bin/python3 bench/numpy_baseline.py {S|L} [--reps R] [--seed S]
"""
import argparse
import math
import time

import numpy as np

X0, SIGMA, MEDIAN_FROM = 2.0, 8.0, 10
TRAJ_BUDGET = 1 << 22  # max float64 entries of a chunk's (reps, T+1) trajectory

EXPERIMENTS = {
    "S": dict(T=1000, Ns=[2, 4, 8, 16, 24, 32], reps=150, record_every=1,
              methods=[("sync", "synchronous", None),
                       ("increasing", "increasing", "N"),
                       ("one_shot", "one_shot", None)]),
    "L": dict(T=8000, Ns=[32, 64, 128, 256], reps=1000, record_every=8,
              methods=[("increasing", "increasing", "N"),
                       ("increasing_sqrt", "increasing", "sqrt(N)"),
                       ("one_shot", "one_shot", None),
                       ("increasing_n075", "increasing", "N^0.75"),
                       ("constant_n075", "constant", "N^0.75")]),
}


def rounds(rule, N):
    """Number of rounds R for a rule "N", "sqrt(N)" or "N^0.75" (rounded up)."""
    if rule == "N":
        return N
    if rule == "sqrt(N)":
        r = math.isqrt(N)
        return r + (r * r < N)
    if rule == "N^0.75":
        return math.ceil(N ** 0.75 - 1e-9)  # tolerance: 16**0.75 -> 8
    raise ValueError(rule)


def comm_times(kind, T, R=None):
    """Communication times 0 = tau_0 < ... < tau_R = T (duplicates collapsed)."""
    if kind == "synchronous":
        taus = range(T + 1)
    elif kind == "increasing":
        taus = (T * r * (r + 1) // (R * (R + 1)) for r in range(R + 1))
    elif kind == "constant":
        taus = (-(-T * r // R) for r in range(R + 1))
    elif kind == "one_shot":
        taus = (0, T)
    else:
        raise ValueError(kind)
    return sorted(set(taus))


def F(x):
    """Skewed quadratic, F* = 0."""
    return np.where(x >= 0, x * x, 0.5 * x * x)


def simulate(rng, T, N, reps, taus, every):
    """Run `reps` repetitions of N workers; return (final errors, per-run medians).

    Repetitions are processed in chunks so that the per-step trajectory of the
    virtual-average error, float64 (chunk, T+1), stays bounded; each chunk's
    trajectory is reduced to per-run medians over t >= MEDIAN_FROM at once.
    """
    comm = np.zeros(T + 1, dtype=bool)
    comm[taus] = True
    recorded = [t for t in range(0, T + 1) if t % every == 0 or t == T]
    slot = {t: k for k, t in enumerate(recorded)}
    late = [k for k, t in enumerate(recorded) if t >= MEDIAN_FROM]
    eta = np.minimum(2.0 / (np.arange(T) + 1.0), 0.5)
    chunk = max(1, min(reps, TRAJ_BUDGET // len(recorded)))
    finals, medians = [], []
    for start in range(0, reps, chunk):
        m = min(chunk, reps - start)
        x = np.full((m, N), X0)
        traj = np.empty((m, len(recorded)))
        traj[:, 0] = F(np.full(m, X0))
        for t in range(T):
            g = np.where(x >= 0, 2.0 * x, x) + SIGMA * rng.standard_normal((m, N))
            x -= eta[t] * g
            if comm[t + 1]:  # all workers replaced by their average
                x[:] = x.mean(axis=1, keepdims=True)
            if t + 1 in slot:  # error of the virtual average
                traj[:, slot[t + 1]] = F(x.mean(axis=1))
        finals.append(traj[:, -1])
        medians.append(np.median(traj[:, late], axis=1))
    return np.concatenate(finals), np.concatenate(medians)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("experiment", choices=sorted(EXPERIMENTS))
    ap.add_argument("--reps", type=int, default=None, help="repetitions per (method, N)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    exp = EXPERIMENTS[args.experiment]
    T, reps = exp["T"], args.reps or exp["reps"]

    start = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    worker_steps = 0

    # Single workers (N = 1): the reference s1 for both speed-up definitions.
    every = exp["record_every"]
    fin1, _ = simulate(rng, T, 1, reps, comm_times("one_shot", T), every)
    worker_steps += reps * T
    s1 = fin1.mean()
    print(f"{'method':16s} {'N':>4s} {'reps':>5s} {'mean_err_T':>11s} "
          f"{'speedup':>8s} {'speedup_median':>14s}")
    print(f"{'single':16s} {1:4d} {reps:5d} {s1:11.5f} {1.0:8.2f} {1.0:14.2f}")

    for name, kind, rule in exp["methods"]:
        for N in exp["Ns"]:
            taus = comm_times(kind, T, rounds(rule, N) if rule else None)
            fin, med = simulate(rng, T, N, reps, taus, every)
            worker_steps += reps * N * T
            print(f"{name:16s} {N:4d} {reps:5d} {fin.mean():11.5f} "
                  f"{s1 / fin.mean():8.2f} {s1 / med.mean():14.2f}", flush=True)

    elapsed = time.perf_counter() - start
    print(f"numpy {args.experiment}: {worker_steps} worker-steps in {elapsed:.2f} s "
          f"= {worker_steps / elapsed / 1e6:.1f} M worker-steps/s")


if __name__ == "__main__":
    main()
