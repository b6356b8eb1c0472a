#include "numerics/sample_products.hpp"

#include <vector>

namespace lsgd {

namespace {

constexpr Eigen::Index block = 8; // columns per pass, in registers

// Columns j0 .. j0 + W - 1 of Z for sample row a; xt holds X transposed, row k
// at xt + k * R.
template <Eigen::Index W>
void products(const double* a, Eigen::Index p, const double* xt, Eigen::Index R,
              Eigen::Index j0, double* z_row, Eigen::Index n) {
  double even[W], odd[W];
  for (Eigen::Index c = 0; c < W; ++c)
    even[c] = odd[c] = 0.0;
  Eigen::Index k = 0;
  for (; k + 2 <= p; k += 2) {
    const double* x0 = xt + k * R + j0;
    const double* x1 = x0 + R;
    for (Eigen::Index c = 0; c < W; ++c) {
      even[c] = even[c] + a[k] * x0[c];
      odd[c] = odd[c] + a[k + 1] * x1[c];
    }
  }
  double sum[W];
  for (Eigen::Index c = 0; c < W; ++c)
    sum[c] = even[c] + odd[c];
  for (; k < p; ++k)
    for (Eigen::Index c = 0; c < W; ++c)
      sum[c] = sum[c] + a[k] * xt[k * R + j0 + c];
  for (Eigen::Index c = 0; c < W; ++c)
    z_row[(j0 + c) * n] = 0.0 + sum[c];
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
      products<block>(a, p, xt.data(), R, j, z_row, n);
    for (; j < R; ++j)
      products<1>(a, p, xt.data(), R, j, z_row, n);
  }
}

} // namespace lsgd
