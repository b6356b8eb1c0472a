// Least squares with a ridge penalty on a data set.
#pragma once

#include "numerics/finite_sum.hpp"

namespace lsgd {

/// loss(a, y; x) = (a.x - y)^2 / 2, so
/// F(x) = (1/2n) |A^T x - y|^2 + (lambda/2) |x|^2 (A: the p x n features),
/// grad F(x) = (1/n) A (A^T x - y) + lambda x, Hessian (1/n) A A^T + lambda I.
class least_squares final : public finite_sum {
public:
  least_squares(std::shared_ptr<const dataset> data, double lambda);

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
  /// z - y.
  double residual(double z, double y) const override {
    return z - y;
  }
  double smoothness() const override;
  std::string describe() const override;
};

} // namespace lsgd
