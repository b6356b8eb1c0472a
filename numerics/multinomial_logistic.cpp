#include "numerics/multinomial_logistic.hpp"

#include "numerics/portable_math.hpp"

#include <sstream>
#include <stdexcept>

namespace lsgd {

namespace {

// z <- softmax(z) in place, shifted by the largest z_k so that nothing
// overflows. exp and log are the project's own (numerics/portable_math.hpp), so
// that F, F* and the SGD steps are the same bits on every machine.
void softmax_in_place(double* z, Eigen::Index K) {
  double top = z[0];
  for (Eigen::Index k = 1; k < K; ++k)
    top = z[k] > top ? z[k] : top;
  double sum = 0;
  for (Eigen::Index k = 0; k < K; ++k) {
    z[k] = portable_exp_nonpositive(z[k] - top);
    sum += z[k];
  }
  for (Eigen::Index k = 0; k < K; ++k)
    z[k] /= sum;
}

} // namespace

multinomial_logistic::multinomial_logistic(std::shared_ptr<const dataset> data, double lambda)
  : finite_sum(std::move(data), lambda) {
  if (data_->classes < 2)
    throw std::invalid_argument("multinomial_logistic: needs at least two classes");
}

matrix multinomial_logistic::softmax(const const_vector_ref& x) const {
  const auto p = data_->features_per_sample();
  const Eigen::Index K = data_->classes;
  const Eigen::Map<const matrix> W(x.data(), p, K);
  matrix S = W.transpose() * data_->features;
  for (Eigen::Index i = 0; i < S.cols(); ++i)
    softmax_in_place(&S(0, i), K);
  return S;
}

double multinomial_logistic::value(const const_vector_ref& x) const {
  const auto p = data_->features_per_sample();
  const Eigen::Index K = data_->classes;
  const Eigen::Map<const matrix> W(x.data(), p, K);
  const matrix Z = W.transpose() * data_->features;
  double sum = 0;
  for (Eigen::Index i = 0; i < Z.cols(); ++i) {
    double top = Z(0, i);
    for (Eigen::Index k = 1; k < K; ++k)
      top = Z(k, i) > top ? Z(k, i) : top;
    double e = 0;
    for (Eigen::Index k = 0; k < K; ++k)
      e += portable_exp_nonpositive(Z(k, i) - top);
    sum += top + portable_log(e) - Z(static_cast<Eigen::Index>(data_->labels[i]), i);
  }
  return sum / static_cast<double>(Z.cols()) + 0.5 * lambda_ * x.squaredNorm();
}

void multinomial_logistic::gradient(const const_vector_ref& x, Eigen::Ref<vector> g) const {
  const auto p = data_->features_per_sample();
  const Eigen::Index K = data_->classes;
  matrix S = softmax(x);
  for (Eigen::Index i = 0; i < S.cols(); ++i)
    S(static_cast<Eigen::Index>(data_->labels[i]), i) -= 1;
  Eigen::Map<matrix> G(g.data(), p, K);
  G.noalias() = data_->features * S.transpose() / static_cast<double>(S.cols());
  g += lambda_ * x;
}

void multinomial_logistic::hessian(const const_vector_ref& x, matrix& H) const {
  const auto& A = data_->features;
  const auto p = data_->features_per_sample();
  const Eigen::Index K = data_->classes;
  const auto n = static_cast<double>(A.cols());
  const matrix S = softmax(x);
  H.resize(p * K, p * K);
  vector c(A.cols());
  for (Eigen::Index k = 0; k < K; ++k)
    for (Eigen::Index l = k; l < K; ++l) {
      for (Eigen::Index i = 0; i < A.cols(); ++i)
        c[i] = S(k, i) * ((k == l ? 1.0 : 0.0) - S(l, i)) / n;
      H.block(k * p, l * p, p, p).noalias() = A * c.asDiagonal() * A.transpose();
      if (l != k)
        H.block(l * p, k * p, p, p) = H.block(k * p, l * p, p, p).transpose();
    }
  H.diagonal().array() += lambda_;
}

void multinomial_logistic::add_sample_gradient(Eigen::Index i, const double* x, double* g,
                                               double* z) const {
  const auto p = data_->features_per_sample();
  const Eigen::Index K = data_->classes;
  const double* a = data_->features.col(i).data();
  for (Eigen::Index k = 0; k < K; ++k) {
    const double* w = x + k * p;
    double dot = 0;
    for (Eigen::Index j = 0; j < p; ++j)
      dot += a[j] * w[j];
    z[k] = dot;
  }
  softmax_in_place(z, K);
  z[static_cast<Eigen::Index>(data_->labels[i])] -= 1;
  for (Eigen::Index k = 0; k < K; ++k) {
    double* gk = g + k * p;
    const double r = z[k];
    for (Eigen::Index j = 0; j < p; ++j)
      gk[j] += r * a[j];
  }
}

double multinomial_logistic::smoothness() const {
  return 0.5 * largest_gram_eigenvalue() + lambda_;
}

std::string multinomial_logistic::describe() const {
  std::ostringstream out;
  out << "multinomial logistic regression, n = " << data_->samples() << ", K = "
      << data_->classes << ", d = " << dimension() << ", lambda = " << lambda_;
  return out.str();
}

} // namespace lsgd
