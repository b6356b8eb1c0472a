// Mini-batch SGD steps for losses of a_i . x alone (least squares, logistic
// regression), several columns interleaved.
#pragma once

#include "numerics/finite_sum.hpp"

#include <vector>

namespace lsgd {

/// data_objective::sgd_steps for a finite_sum with a residual (has_residual):
/// the same operations per column in the same order as the generic loop
/// (column_gradient then x_j <- x_j - eta_t g), so the same numbers, but
/// `interleave` columns at a time, step by step. Their dot products and
/// exp calls are independent, so the processor overlaps them instead of
/// waiting on one column's chain of d dependent additions. ranges[j]: the
/// samples column j draws from.
void linear_sgd_steps(const finite_sum& f, uint32_t batch, const std::vector<sample_range>& ranges,
                      Eigen::Ref<matrix> x, random_stream* streams, const std::vector<double>& etas,
                      uint64_t first, const snapshot_sink& sink, Eigen::Index interleave);

/// Columns interleaved by default. Breast cancer (d = 31, batch 1), T = 5000,
/// 50 repetitions, CPU seconds on one thread: 1: 9.1, 2: 7.9, 4: 7.4, 8: 7.4.
constexpr Eigen::Index default_interleave = 4;

} // namespace lsgd
