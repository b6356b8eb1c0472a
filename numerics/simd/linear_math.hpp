// exp, sigmoid, softplus and the dot product of the data objectives, written once over a lane type V.
#pragma once

// The rules of lane_math.hpp hold: each rounding step is one IEEE operation
// (add, sub, mul, div; fma only inside lane_math's log), so every path gives
// the plain path's bits. No libm: these are the project's own polynomials.
// V also provides max(a, b) = a > b ? a : b (x86's MAXPD: b if either is NaN).

#include "numerics/simd/lane_math.hpp"

#include <cstddef>

// V also provides load_n, store_n (the first n lanes, the rest 0 / untouched)
// and tree (see ordered_dot).

namespace lsgd::simd::math {

/// e^t for t <= 0 (or NaN), within about 1 ulp: t clamped to -746 (where e^t
/// rounds to 0), k = round(t / ln 2), r = t - k ln2 in two parts (fdlibm's
/// ln2_hi has trailing zeros, so k ln2_hi is exact), a degree-13 Taylor
/// polynomial for e^r on |r| <= 0.35 (its remainder is below 2^-57), then
/// 2^k in two exact scalings so that subnormal results round only once.
template <class V>
typename V::d exp_nonpositive(typename V::d t) {
  t = V::max(V::dup(-746.0), t); // NaN stays NaN
  const auto rounder = V::dup(6755399441055744.0); // 2^52 + 2^51
  const auto shifted = V::add(V::mul(t, V::dup(1.44269504088896338700e+00)), rounder);
  const auto k = V::sub(shifted, rounder);
  const auto r = V::sub(V::sub(t, V::mul(k, V::dup(6.93147180369123816490e-01))),
                        V::mul(k, V::dup(1.90821492927058770002e-10)));
  // 1/13!, 1/12!, ..., 1/2!, 1, 1.
  constexpr double c[14] = {1.6059043836821614599e-10, 2.0876756987868098979e-09,
                            2.5052108385441718775e-08, 2.7557319223985890653e-07,
                            2.7557319223985890653e-06, 2.4801587301587301566e-05,
                            1.9841269841269841253e-04, 1.3888888888888889419e-03,
                            8.3333333333333332177e-03, 4.1666666666666664354e-02,
                            1.6666666666666665741e-01, 5.0000000000000000000e-01,
                            1.0, 1.0};
  auto p = V::dup(c[0]);
  for (int i = 1; i < 14; ++i)
    p = V::add(V::mul(p, r), V::dup(c[i]));
  // k is in [-1077, 0]: 2^(k + 537) is normal, and p 2^(k + 537) exact.
  const auto biased = V::subu(V::as_u(shifted), V::dupu(0x4338000000000000ull - (1023 + 537)));
  const auto scale = V::as_d(V::template sll<52>(biased));
  return V::mul(V::mul(p, scale), V::dup(0x1p-537));
}

/// sigma(z) = 1/(1 + e^-z) as e/(1 + e) or 1/(1 + e) with e = e^-|z|, no
/// overflow: sigma(+-inf) = 1, 0; sigma(0) = 1/2; NaN gives NaN.
template <class V>
typename V::d sigmoid(typename V::d z) {
  const auto minus_abs = V::as_d(V::oru(V::as_u(z), V::dupu(0x8000000000000000ull)));
  const auto e = exp_nonpositive<V>(minus_abs);
  return V::div(V::select_ge0(z, V::dup(1.0), e), V::add(V::dup(1.0), e));
}

/// log(1 + e^z) = max(z, 0) + log1p(e^-|z|), log1p(e) = log(u) + (e - (u - 1))/u
/// with u = 1 + e rounded (u - 1 and e - (u - 1) are exact; the quotient is
/// the first-order correction of the rounding), lane_math's log for log(u).
template <class V>
typename V::d softplus(typename V::d z) {
  const auto minus_abs = V::as_d(V::oru(V::as_u(z), V::dupu(0x8000000000000000ull)));
  const auto e = exp_nonpositive<V>(minus_abs);
  const auto u = V::add(V::dup(1.0), e);
  const auto log1p = V::add(log_positive<V>(u), V::div(V::sub(e, V::sub(u, V::dup(1.0))), u));
  return V::add(V::max(V::dup(0.0), z), log1p); // max: z if NaN
}

/// a . x in the project's fixed order: eight partial sums, sum l over k = l
/// mod 8 in increasing k (s = s + a_k x_k from +0), then the tree
/// ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)). The sums are 8 / width
/// vectors; the last d mod 8 terms come through zero-filled loads, which add
/// +0 to the sums they do not reach: no change, as a sum from +0 is never -0.
/// V::tree(x) sums one vector in that tree's order (width 8: the tree;
/// width 4: (x0 + x2) + (x1 + x3); width 1: x).
template <class V>
double ordered_dot(const double* a, const double* x, size_t d) {
  constexpr size_t w = V::width, G = 8 / w;
  typename V::d acc[G];
  for (size_t g = 0; g < G; ++g)
    acc[g] = V::dup(0.0);
  size_t k = 0;
  for (; k + 8 <= d; k += 8)
    for (size_t g = 0; g < G; ++g)
      acc[g] = V::add(acc[g], V::mul(V::load(a + k + g * w), V::load(x + k + g * w)));
  for (size_t g = 0; k + g * w < d; ++g) {
    const size_t n = d - k - g * w < w ? d - k - g * w : w;
    acc[g] = V::add(acc[g], V::mul(V::load_n(a + k + g * w, n), V::load_n(x + k + g * w, n)));
  }
  if constexpr (G == 1)
    return V::tree(acc[0]);
  else if constexpr (G == 2)
    return V::tree(V::add(acc[0], acc[1]));
  else
    return ((V::tree(acc[0]) + V::tree(acc[4])) + (V::tree(acc[2]) + V::tree(acc[6])))
           + ((V::tree(acc[1]) + V::tree(acc[5])) + (V::tree(acc[3]) + V::tree(acc[7])));
}

} // namespace lsgd::simd::math
