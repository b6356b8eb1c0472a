#include "numerics/portable_math.hpp"

#include "numerics/simd/linear_math.hpp"
#include "numerics/simd/scalar_lanes.hpp"

namespace lsgd {

double portable_exp_nonpositive(double t) {
  return simd::math::exp_nonpositive<simd::scalar_lanes>(t);
}

double portable_exp(double x) {
  return x <= 0 ? portable_exp_nonpositive(x) : 1.0 / portable_exp_nonpositive(-x);
}

double portable_log(double x) {
  // The kernel's bit manipulations would turn a NaN into a number.
  return x != x ? x : simd::math::log_positive<simd::scalar_lanes>(x);
}

double portable_cos_2pi(double u) {
  double s = 0, c = 0;
  simd::math::sincos_2pi<simd::scalar_lanes>(u, s, c);
  return c;
}

} // namespace lsgd
