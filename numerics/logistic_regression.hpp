// Binary logistic regression with an L2 penalty on a data set.
#pragma once

#include "numerics/finite_sum.hpp"
#include "numerics/loss_math.hpp"

namespace lsgd {

/// Labels y in {0, 1}; with z = a.x,
/// loss(a, y; x) = log(1 + e^z) - y z, its gradient (sigma(z) - y) a with
/// sigma(z) = 1/(1 + e^-z), and the Hessian of F
/// (1/n) sum_i sigma(z_i)(1 - sigma(z_i)) a_i a_i^T + lambda I.
class logistic_regression final : public finite_sum {
public:
  logistic_regression(std::shared_ptr<const dataset> data, double lambda);

  Eigen::Index dimension() const override {
    return data_->features_per_sample();
  }
  double value(const const_vector_ref& x) const override;
  void values(const const_matrix_ref& X, double* out) const override;
  void gradient(const const_vector_ref& x, Eigen::Ref<vector> g) const override;
  void hessian(const const_vector_ref& x, matrix& H) const override;
  void add_sample_gradient(Eigen::Index i, const double* x, double* g,
                           double* scratch) const override;
  bool has_residual() const override {
    return true;
  }
  /// sigma(z) - y.
  double residual(double z, double y) const override;
  bool logistic_residual() const override {
    return true;
  }
  /// L = lambda_max((1/n) A A^T) / 4 + lambda, as sigma' <= 1/4.
  double smoothness() const override;
  std::string describe() const override;
};

} // namespace lsgd
