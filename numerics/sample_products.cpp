#include "numerics/sample_products.hpp"

#include <vector>

namespace lsgd {

namespace {

// Two doubles per vector (GCC's vector extension: every operation is the IEEE
// operation lane by lane, on any target).
typedef double pair __attribute__((vector_size(16)));
constexpr Eigen::Index block = 8; // columns per pass: 4 pairs, in registers

pair load(const double* p) {
  pair v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}

// Columns j0 .. j0 + 7 of Z for sample a; xt holds X transposed, row k at xt + k R.
void products8(const double* a, Eigen::Index p, const double* xt, Eigen::Index R,
               Eigen::Index j0, double* z_row, Eigen::Index n) {
  pair even[4] = {}, odd[4] = {};
  Eigen::Index k = 0;
  for (; k + 2 <= p; k += 2) {
    const double* x0 = xt + k * R + j0;
    const double* x1 = x0 + R;
    const pair a0 = {a[k], a[k]}, a1 = {a[k + 1], a[k + 1]};
    for (int c = 0; c < 4; ++c) {
      even[c] = even[c] + a0 * load(x0 + 2 * c);
      odd[c] = odd[c] + a1 * load(x1 + 2 * c);
    }
  }
  pair sum[4];
  for (int c = 0; c < 4; ++c)
    sum[c] = even[c] + odd[c];
  if (k < p) {
    const pair ak = {a[k], a[k]};
    for (int c = 0; c < 4; ++c)
      sum[c] = sum[c] + ak * load(xt + k * R + j0 + 2 * c);
  }
  for (int c = 0; c < 4; ++c) {
    z_row[(j0 + 2 * c) * n] = 0.0 + sum[c][0];
    z_row[(j0 + 2 * c + 1) * n] = 0.0 + sum[c][1];
  }
}

// The same for one column j.
void products1(const double* a, Eigen::Index p, const double* xt, Eigen::Index R,
               Eigen::Index j, double* z_row, Eigen::Index n) {
  double even = 0, odd = 0;
  Eigen::Index k = 0;
  for (; k + 2 <= p; k += 2) {
    even = even + a[k] * xt[k * R + j];
    odd = odd + a[k + 1] * xt[(k + 1) * R + j];
  }
  double sum = even + odd;
  if (k < p)
    sum = sum + a[k] * xt[k * R + j];
  z_row[j * n] = 0.0 + sum;
}

} // namespace

void sample_products(const matrix& A, const const_matrix_ref& X, matrix& Z) {
  const auto p = A.rows(), n = A.cols(), R = X.cols();
  Z.resize(n, R);
  std::vector<double> xt(static_cast<size_t>(p * R));
  for (Eigen::Index j = 0; j < R; ++j)
    for (Eigen::Index k = 0; k < p; ++k)
      xt[static_cast<size_t>(k * R + j)] = X(k, j);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double* a = A.col(i).data();
    double* z_row = Z.data() + i;
    Eigen::Index j = 0;
    for (; j + block <= R; j += block)
      products8(a, p, xt.data(), R, j, z_row, n);
    for (; j < R; ++j)
      products1(a, p, xt.data(), R, j, z_row, n);
  }
}

} // namespace lsgd
