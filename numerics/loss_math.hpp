// The scalar sigmoid, softplus and dot product of the data objectives: the SIMD kernels' bits.
#pragma once

#include <cstddef>

namespace lsgd {

/// sigma(z) = 1/(1 + e^-z) without overflow, by the project's own exp
/// (numerics/simd/linear_math.hpp): the same bits as every SIMD path, on
/// every machine. sigma(+-inf) = 1, 0; NaN gives NaN.
double sigmoid(double z);

/// log(1 + e^z) without overflow or loss of small values; the same bits as
/// the kernels' softplus. softplus(+inf) = inf, softplus(-inf) = 0.
double softplus(double z);

/// a . x in the fixed order of numerics/simd/linear_math.hpp (eight partial
/// sums, then a fixed tree), as the SGD kernels compute it.
double ordered_dot(const double* a, const double* x, size_t d);

} // namespace lsgd
