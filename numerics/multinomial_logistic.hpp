// Multinomial (softmax) logistic regression with an L2 penalty on a data set.
#pragma once

#include "numerics/finite_sum.hpp"

namespace lsgd {

/// K classes, labels y in {0, ..., K-1}. x = vec(W) holds one weight vector
/// per class, W = [w_0 ... w_{K-1}] (p x K, column-major: x = (w_0, w_1, ...)),
/// so d = p K. With z = W^T a and s = softmax(z),
/// loss(a, y; x) = log sum_k e^{z_k} - z_y, its gradient w_k: (s_k - [k = y]) a,
/// and the Hessian block (k, l) of F:
/// (1/n) sum_i s_ik ([k = l] - s_il) a_i a_i^T + [k = l] lambda I.
/// All K weight vectors are kept (no reference class): the penalty makes
/// the parametrisation identifiable and F lambda-strongly convex.
class multinomial_logistic final : public finite_sum {
public:
  multinomial_logistic(std::shared_ptr<const dataset> data, double lambda);

  Eigen::Index dimension() const override {
    return data_->features_per_sample() * data_->classes;
  }
  double value(const const_vector_ref& x) const override;
  void gradient(const const_vector_ref& x, Eigen::Ref<vector> g) const override;
  void hessian(const const_vector_ref& x, matrix& H) const override;
  void add_sample_gradient(Eigen::Index i, const double* x, double* g,
                           double* scratch) const override;
  Eigen::Index scratch_size() const override {
    return data_->classes;
  }
  /// L = lambda_max((1/n) A A^T) / 2 + lambda, as diag(s) - s s^T <= I/2.
  double smoothness() const override;
  std::string describe() const override;

private:
  /// The K x n matrix of s_i = softmax(W^T a_i).
  matrix softmax(const const_vector_ref& x) const;
};

} // namespace lsgd
