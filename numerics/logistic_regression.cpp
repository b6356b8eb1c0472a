#include "numerics/logistic_regression.hpp"

#include <sstream>
#include <stdexcept>

namespace lsgd {

logistic_regression::logistic_regression(std::shared_ptr<const dataset> data, double lambda)
  : finite_sum(std::move(data), lambda) {
  if (data_->classes != 2)
    throw std::invalid_argument("logistic_regression: needs two classes (labels 0 and 1)");
}

double logistic_regression::value(const const_vector_ref& x) const {
  const vector z = data_->features.transpose() * x;
  double sum = 0;
  for (Eigen::Index i = 0; i < z.size(); ++i)
    sum += softplus(z[i]) - data_->labels[i] * z[i];
  return sum / static_cast<double>(z.size()) + 0.5 * lambda_ * x.squaredNorm();
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
  double z = 0;
  for (Eigen::Index k = 0; k < p; ++k)
    z += a[k] * x[k];
  const double r = sigmoid(z) - data_->labels[i];
  for (Eigen::Index k = 0; k < p; ++k)
    g[k] += r * a[k];
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
