#include "numerics/logistic_regression.hpp"

#include "numerics/sample_products.hpp"
#include "numerics/simd/kernels.hpp"

#include <sstream>
#include <stdexcept>
#include <vector>

namespace lsgd {

logistic_regression::logistic_regression(std::shared_ptr<const dataset> data, double lambda)
  : finite_sum(std::move(data), lambda) {
  if (data_->classes != 2)
    throw std::invalid_argument("logistic_regression: needs two classes (labels 0 and 1)");
}

namespace {

// (1/n) sum_i softplus(z_i) - y_i z_i, in sample order; the softplus of all
// samples at once by the SIMD kernel (the scalar softplus's bits).
double mean_loss(const double* z, const vector& y) {
  std::vector<double> sp(static_cast<size_t>(y.size()));
  simd::active_kernels().softplus(z, sp.size(), sp.data());
  double sum = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i)
    sum += sp[static_cast<size_t>(i)] - y[i] * z[i];
  return sum / static_cast<double>(y.size());
}

} // namespace

double logistic_regression::value(const const_vector_ref& x) const {
  matrix z;
  sample_products(data_->features, x, z);
  return mean_loss(z.data(), data_->labels) + 0.5 * lambda_ * x.squaredNorm();
}

void logistic_regression::values(const const_matrix_ref& X, double* out) const {
  matrix Z;
  sample_products(data_->features, X, Z);
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    const const_vector_ref x = X.col(j); // value()'s x, at the same address
    out[j] = mean_loss(Z.col(j).data(), data_->labels) + 0.5 * lambda_ * x.squaredNorm();
  }
}

void logistic_regression::gradient(const const_vector_ref& x, Eigen::Ref<vector> g) const {
  vector r = data_->features.transpose() * x;
  for (Eigen::Index i = 0; i < r.size(); ++i)
    r[i] = sigmoid(r[i]) - data_->labels[i];
  g.noalias() = data_->features * r / static_cast<double>(r.size());
  g += lambda_ * x;
}

void logistic_regression::hessian(const const_vector_ref& x, matrix& H) const {
  const auto& A = data_->features;
  vector w = A.transpose() * x;
  for (Eigen::Index i = 0; i < w.size(); ++i) {
    const double s = sigmoid(w[i]);
    w[i] = s * (1 - s) / static_cast<double>(w.size());
  }
  H.noalias() = A * w.asDiagonal() * A.transpose();
  H.diagonal().array() += lambda_;
}

void logistic_regression::add_sample_gradient(Eigen::Index i, const double* x, double* g,
                                              double*) const {
  const auto p = data_->features.rows();
  const double* a = data_->features.col(i).data();
  const double r = residual(ordered_dot(a, x, static_cast<size_t>(p)), data_->labels[i]);
  for (Eigen::Index k = 0; k < p; ++k)
    g[k] += r * a[k];
}

double logistic_regression::residual(double z, double y) const {
  return sigmoid(z) - y;
}

double logistic_regression::smoothness() const {
  return 0.25 * largest_gram_eigenvalue() + lambda_;
}

std::string logistic_regression::describe() const {
  std::ostringstream out;
  out << "logistic regression, n = " << data_->samples() << ", d = " << dimension()
      << ", lambda = " << lambda_;
  return out.str();
}

} // namespace lsgd
