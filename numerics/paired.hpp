// Paired comparisons of two methods over repetitions that share their random
// numbers: repetition i of both saw the same noise, so the per-repetition
// differences cancel most of it and their spread is far below either side's.
#pragma once

#include "numerics/statistics.hpp"

#include <cstddef>
#include <vector>

namespace lsgd {

/// An estimate with its standard error and a two-sided confidence interval
/// from Student's t. se, lo and hi are NaN for fewer than two pairs (and
/// everything is NaN for none).
struct interval_estimate {
  double value = 0;
  double se = 0;
  double lo = 0, hi = 0;
};

/// A method a against a baseline b over the pairs (a_i, b_i) of repetition i.
/// A pair where either side is not finite (a diverged repetition) is left
/// out; `left_out` counts them.
struct paired_comparison {
  size_t pairs = 0;
  size_t left_out = 0;
  double level = 0.95;
  interval_estimate difference; // mean(a_i - b_i)
  interval_estimate ratio;      // mean(a) / mean(b)
};

/// The quantile t_{df, (1 + level) / 2}: the half-width of a `level`
/// interval in standard errors (NaN for df < 1).
double t_quantile(double level, double df);

/// The paired difference and ratio of a and b (the same length).
///   difference: dbar = mean(d_i), d_i = a_i - b_i, se = s_d / sqrt(n).
///   ratio: R = abar / bbar, se by the delta method on the pairs,
///          se = s_z / sqrt(n) with z_i = (a_i - R b_i) / bbar,
///          which keeps the covariance of a and b that the pairing creates.
/// Both intervals: value -+ t_{n-1, (1 + level)/2} se.
paired_comparison compare_paired(const std::vector<double>& a, const std::vector<double>& b,
                                 double level);

/// The same for the speed-ups S_a = s1 / abar and S_b = s1 / bbar that share
/// one s1 (over `s1_runs` single-worker runs, independent of the pairs):
///   difference: D = s1 (1/abar - 1/bbar), var = g^2 se(s1)^2 + s_z^2 / n with
///               g = 1/abar - 1/bbar and z_i = s1 (b_i - bbar)/bbar^2
///               - s1 (a_i - abar)/abar^2 (the delta method); its t has the
///               Welch-Satterthwaite degrees of freedom of the two parts.
///   ratio: S_a / S_b = bbar / abar, in which s1 cancels: the paired ratio of
///          b to a, with n - 1 degrees of freedom.
paired_comparison compare_speedups(const mean_se& s1, size_t s1_runs,
                                   const std::vector<double>& a, const std::vector<double>& b,
                                   double level);

} // namespace lsgd
