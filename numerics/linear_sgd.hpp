// Mini-batch SGD steps for losses of a_i . x alone (least squares, logistic
// regression), several columns interleaved.
#pragma once

#include "numerics/finite_sum.hpp"

#include <vector>

namespace lsgd {

/// data_objective::sgd_steps for a finite_sum with a residual (has_residual):
/// the same operations per column in the same order as the generic loop
/// (column_gradient then x_j <- x_j - eta_t g), so the same numbers, by the
/// SIMD kernel (simd::kernel_table::linear_steps): each column's draws are
/// made here in its stream's order, then `interleave` columns (at most
/// max_interleave) step together, vectorized over the coordinates, their
/// residuals through one vector sigmoid. ranges[j]: the samples column j
/// draws from.
void linear_sgd_steps(const finite_sum& f, uint32_t batch, const std::vector<sample_range>& ranges,
                      Eigen::Ref<matrix> x, random_stream* streams, const std::vector<double>& etas,
                      uint64_t first, const snapshot_sink& sink, Eigen::Index interleave);

/// The kernel's limit (simd::linear_block::columns).
constexpr Eigen::Index max_interleave = 8;

/// Columns interleaved by default: as many as one AVX-512 vector of residuals.
constexpr Eigen::Index default_interleave = 8;

} // namespace lsgd
