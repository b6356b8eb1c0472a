#include "numerics/least_squares.hpp"

#include <sstream>

namespace lsgd {

least_squares::least_squares(std::shared_ptr<const dataset> data, double lambda)
  : finite_sum(std::move(data), lambda) {
}

double least_squares::value(const const_vector_ref& x) const {
  const vector r = data_->features.transpose() * x - data_->labels;
  return 0.5 * r.squaredNorm() / static_cast<double>(r.size()) + 0.5 * lambda_ * x.squaredNorm();
}

void least_squares::gradient(const const_vector_ref& x, Eigen::Ref<vector> g) const {
  const vector r = data_->features.transpose() * x - data_->labels;
  g.noalias() = data_->features * r / static_cast<double>(r.size());
  g += lambda_ * x;
}

void least_squares::hessian(const const_vector_ref&, matrix& H) const {
  const auto& A = data_->features;
  H.noalias() = A * A.transpose() / static_cast<double>(A.cols());
  H.diagonal().array() += lambda_;
}

void least_squares::add_sample_gradient(Eigen::Index i, const double* x, double* g,
                                        double*) const {
  const auto p = data_->features.rows();
  const double* a = data_->features.col(i).data();
  double z = 0;
  for (Eigen::Index k = 0; k < p; ++k)
    z += a[k] * x[k];
  const double r = z - data_->labels[i];
  for (Eigen::Index k = 0; k < p; ++k)
    g[k] += r * a[k];
}

double least_squares::smoothness() const {
  return largest_gram_eigenvalue() + lambda_;
}

std::string least_squares::describe() const {
  std::ostringstream out;
  out << "least squares, n = " << data_->samples() << ", d = " << dimension()
      << ", lambda = " << lambda_;
  return out.str();
}

} // namespace lsgd
