// z_ij = a_i . x_j for every sample a_i of a data set and every column x_j: F of
// many points at once, in one fixed summation order.
#pragma once

#include "numerics/objective.hpp"

namespace lsgd {

/// Z = A^T X (n x R) for A = the samples as columns (p x n) and X (p x R).
/// Each z_ij sums a_ki x_kj in the order of Eigen 3.4's gemv on SSE2, the
/// project's baseline ISA: two running sums over the pairs (k, k + 1), the
/// even k and the odd k, added, then the last k if p is odd, then 0 + that.
/// So F keeps the numbers it had as one gemv per point, now on every build
/// (plain scalar operations; the compiler vectorizes across the columns j,
/// which changes no rounding) and for any number of columns.
void sample_products(const matrix& A, const const_matrix_ref& X, matrix& Z);

} // namespace lsgd
