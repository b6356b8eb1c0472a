#include "numerics/least_squares.hpp"

#include "numerics/loss_math.hpp"
#include "numerics/sample_products.hpp"

#include <sstream>

namespace lsgd {

least_squares::least_squares(std::shared_ptr<const dataset> data, double lambda)
  : finite_sum(std::move(data), lambda) {
}

namespace {

// (1/n) sum_i (z_i - y_i)^2 / 2. r is a vector of its own, as it always was:
// the order of squaredNorm's sum depends on the alignment of its data.
double mean_loss(const double* z, const vector& y) {
  const vector r = Eigen::Map<const vector>(z, y.size()) - y;
  return 0.5 * r.squaredNorm() / static_cast<double>(r.size());
}

} // namespace

double least_squares::value(const const_vector_ref& x) const {
  matrix z;
  sample_products(data_->features, x, z);
  return mean_loss(z.data(), data_->labels) + 0.5 * lambda_ * x.squaredNorm();
}

void least_squares::values(const const_matrix_ref& X, double* out) const {
  matrix Z;
  sample_products(data_->features, X, Z);
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    const const_vector_ref x = X.col(j); // value()'s x, at the same address
    out[j] = mean_loss(Z.col(j).data(), data_->labels) + 0.5 * lambda_ * x.squaredNorm();
  }
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
  const double r = residual(ordered_dot(a, x, static_cast<size_t>(p)), data_->labels[i]);
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
