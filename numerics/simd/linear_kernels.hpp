// The linear-loss SGD kernel and softplus of kernels.hpp written once over a lane type V.
#pragma once

// Vectorized over the coordinates (the dot product's eight partial sums, the
// gradient and the update are lane by lane) and over the interleaved columns
// (their residuals go through one vector sigmoid). Coordinates past the last
// full vector go one at a time: the same IEEE operations either way.

#include "numerics/simd/kernels.hpp"
#include "numerics/simd/linear_math.hpp"

namespace lsgd::simd::lanes {

/// Residuals r[c] of the 8 products z[c]: sigma(z) - y or z - y.
template <class V>
void residuals(const double* z, const double* y, bool logistic, double* r) {
  for (size_t c = 0; c < 8; c += V::width) {
    const auto zc = V::load(z + c);
    const auto s = logistic ? math::sigmoid<V>(zc) : zc;
    V::store(r + c, V::sub(s, V::load(y + c)));
  }
}

/// Applies op(q, n) to lanes q .. q + n - 1 of 0 .. d - 1, n = width but the last.
template <class V, class Op>
void over_coordinates(size_t d, Op op) {
  size_t q = 0;
  for (; q + V::width <= d; q += V::width)
    op(q, V::width);
  if (q < d)
    op(q, d - q);
}

template <class V>
void linear_steps(const linear_block& b) {
  const size_t d = b.d, W = b.columns;
  const double inv_batch = 1.0 / b.batch;
  const auto vinv = V::dup(inv_batch), vlambda = V::dup(b.lambda), zero = V::dup(0.0);
  const uint64_t* drawn = b.drawn;
  for (size_t k = 0; k < b.steps; ++k) {
    const auto eta = V::dup(b.etas[k]);
    for (uint32_t draw = 0; draw < b.batch; ++draw, drawn += 8) {
      double z[8] = {}, y[8] = {}, r[8];
      const double* a[8];
      for (size_t c = 0; c < W; ++c) {
        a[c] = b.samples + drawn[c] * d;
        y[c] = b.labels[drawn[c]];
        z[c] = math::ordered_dot<V>(a[c], b.x + c * b.x_stride, d);
      }
      residuals<V>(z, y, b.logistic, r);
      for (size_t c = 0; c < W; ++c) {
        double* g = b.g + c * d;
        double* x = b.x + c * b.x_stride;
        const double* ac = a[c];
        const auto rc = V::dup(r[c]);
        if (b.batch == 1) { // g = 0 + r a, then the update, in one pass
          over_coordinates<V>(d, [&](size_t q, size_t n) {
            const auto xq = V::load_n(x + q, n);
            const auto gq = V::add(zero, V::mul(rc, V::load_n(ac + q, n)));
            const auto step = V::add(V::mul(gq, vinv), V::mul(vlambda, xq));
            V::store_n(x + q, V::sub(xq, V::mul(eta, step)), n);
          });
          continue;
        }
        const bool first = draw == 0, last = draw + 1 == b.batch;
        over_coordinates<V>(d, [&](size_t q, size_t n) {
          const auto before = first ? zero : V::load_n(g + q, n);
          const auto gq = V::add(before, V::mul(rc, V::load_n(ac + q, n)));
          if (!last) {
            V::store_n(g + q, gq, n);
            return;
          }
          const auto xq = V::load_n(x + q, n);
          const auto step = V::add(V::mul(gq, vinv), V::mul(vlambda, xq));
          V::store_n(x + q, V::sub(xq, V::mul(eta, step)), n);
        });
      }
    }
  }
}

template <class V>
void softplus(const double* z, size_t n, double* out) {
  size_t i = 0;
  for (; i + V::width <= n; i += V::width)
    V::store(out + i, math::softplus<V>(V::load(z + i)));
  if (i < n) { // the rest through a zero-padded vector
    double in[V::width] = {}, part[V::width];
    for (size_t j = 0; i + j < n; ++j)
      in[j] = z[i + j];
    V::store(part, math::softplus<V>(V::load(in)));
    for (size_t j = 0; i + j < n; ++j)
      out[i + j] = part[j];
  }
}

} // namespace lsgd::simd::lanes
