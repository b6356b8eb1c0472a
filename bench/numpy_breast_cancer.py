#!/usr/bin/env python3
"""Vectorized NumPy baseline for configs/real/breast_cancer.toml.

What a researcher would write instead of localsgd for the breast-cancer
experiment: L2-regularised logistic regression on data/breast_cancer.csv
(standardized, with an intercept), mini-batch SGD with batch size 1 drawn
uniformly with replacement from all samples, eta_t = alpha / (mu (t + beta)),
every worker from x0 = 0, and the config's methods (sync, increasing and
constant with N rounds, one-shot) plus single workers for s1. One array of
shape (reps, N, d) per (method, N), one Python loop over the steps t; the error
of the virtual average F(xbar) - F* at the recorded steps (t = 0, k, 2k, ..., T),
with F* from Newton's method.

Its random numbers are NumPy's (PCG64), not localsgd's: the final errors agree
with localsgd's in distribution, so within their standard errors.

Prints a row per (method, N) and a last line with the worker-steps per second;
with --json, the final errors as JSON for bench/breast_cancer.sh.

Usage: /usr/bin/python3 bench/numpy_breast_cancer.py [--T T] [--reps R]
           [--single-reps R] [--Ns 2,4] [--record-every K] [--seed S] [--json FILE]
"""
import argparse
import csv
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numpy_baseline import comm_times, rounds  # noqa: E402  (the same schedules)

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data", "breast_cancer.csv")
LAMBDA, ALPHA, MU, BETA = 0.01, 2.0, 0.01, 700.0  # configs/real/breast_cancer.toml
METHODS = [("sync", "synchronous", None), ("increasing", "increasing", "N"),
           ("constant", "constant", "N"), ("one_shot", "one_shot", None)]


def load():
    """Features (n, d) standardized (population std) plus a column of ones; labels (n,)."""
    with open(DATA, newline="") as f:
        rows = list(csv.reader(f))[1:]
    data = np.array(rows, dtype=float)
    X, y = data[:, :-1], data[:, -1]
    sd = X.std(axis=0)
    X = np.where(sd > 0, (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1), 0.0)
    return np.hstack([X, np.ones((X.shape[0], 1))]), y


def F(A, y, x):
    """F(x) for the rows of x (m, d): mean softplus(z) - y z plus lambda/2 |x|^2."""
    z = x @ A.T
    return (np.logaddexp(0.0, z) - y * z).mean(axis=1) + 0.5 * LAMBDA * (x * x).sum(axis=1)


def optimum(A, y):
    """F* by Newton's method from 0, to |grad F| <= 1e-12."""
    n, d = A.shape
    x = np.zeros(d)
    for _ in range(50):
        s = 1.0 / (1.0 + np.exp(-(A @ x)))
        g = A.T @ (s - y) / n + LAMBDA * x
        if np.linalg.norm(g) <= 1e-12:
            break
        H = (A.T * (s * (1 - s))) @ A / n + LAMBDA * np.eye(d)
        x -= np.linalg.solve(H, g)
    return F(A, y, x[None, :])[0]


def simulate(rng, A, y, Fstar, T, N, reps, taus, every):
    """reps repetitions of N workers; the errors at the recorded steps (reps, K)."""
    n, d = A.shape
    comm = np.zeros(T + 1, dtype=bool)
    comm[taus] = True
    recorded = [t for t in range(0, T + 1) if t % every == 0 or t == T]
    slot = {t: k for k, t in enumerate(recorded)}
    eta = ALPHA / (MU * (np.arange(T) + BETA))
    x = np.zeros((reps, N, d))
    traj = np.empty((reps, len(recorded)))
    traj[:, 0] = F(A, y, x.mean(axis=1)) - Fstar
    for t in range(T):
        i = rng.integers(n, size=(reps, N))
        a = A[i]                                      # (reps, N, d)
        z = np.einsum("rnd,rnd->rn", a, x)
        r = 1.0 / (1.0 + np.exp(-z)) - y[i]           # sigma(z) - y
        x -= eta[t] * (r[..., None] * a + LAMBDA * x)
        if comm[t + 1]:
            x[:] = x.mean(axis=1, keepdims=True)
        if t + 1 in slot:
            traj[:, slot[t + 1]] = F(A, y, x.mean(axis=1)) - Fstar
    return traj


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--T", type=int, default=20000)
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--single-reps", type=int, default=2000)
    ap.add_argument("--Ns", default="2,4,8,16,32")
    ap.add_argument("--record-every", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", default=None, help="write the final errors here")
    args = ap.parse_args()
    T, reps, every = args.T, args.reps, args.record_every
    Ns = [int(v) for v in args.Ns.split(",")]

    A, y = load()
    Fstar = optimum(A, y)
    start = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    results, worker_steps = [], 0

    def add(name, N, reps_, taus):
        nonlocal worker_steps
        final = simulate(rng, A, y, Fstar, T, N, reps_, taus, every)[:, -1]
        worker_steps += reps_ * N * T
        results.append({"method": name, "N": N, "reps": reps_, "mean": final.mean(),
                        "stderr": final.std(ddof=1) / np.sqrt(reps_)})
        print(f"{name:12s} {N:4d} {reps_:5d} {final.mean():12.4e} {results[-1]['stderr']:10.2e}",
              flush=True)

    print(f"{'method':12s} {'N':>4s} {'reps':>5s} {'mean_err_T':>12s} {'stderr':>10s}")
    add("single", 1, args.single_reps, comm_times("one_shot", T))
    for name, kind, rule in METHODS:
        for N in Ns:
            add(name, N, reps, comm_times(kind, T, rounds(rule, N) if rule else None))
    elapsed = time.perf_counter() - start
    print(f"numpy breast_cancer: {worker_steps} worker-steps in {elapsed:.2f} s "
          f"= {worker_steps / elapsed / 1e6:.2f} M worker-steps/s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seconds": elapsed, "worker_steps": worker_steps, "results": results}, f)


if __name__ == "__main__":
    main()
