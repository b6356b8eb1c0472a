#include "numerics/loss_math.hpp"

#include "numerics/simd/linear_math.hpp"
#include "numerics/simd/scalar_lanes.hpp"

namespace lsgd {

double sigmoid(double z) {
  return simd::math::sigmoid<simd::scalar_lanes>(z);
}

double softplus(double z) {
  return simd::math::softplus<simd::scalar_lanes>(z);
}

double ordered_dot(const double* a, const double* x, size_t d) {
  return simd::math::ordered_dot<simd::scalar_lanes>(a, x, d);
}

} // namespace lsgd
