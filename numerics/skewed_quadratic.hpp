// The skewed 1-D quadratic of the speed-up experiments (S and L).
#pragma once

#include "numerics/objective.hpp"

namespace lsgd {

/// F(x) = (L/2) x^2 for x >= 0 and (mu/2) x^2 for x < 0, F* = 0; the stochastic
/// gradient is F'(x) + sigma z with z standard normal. The paper uses mu = 1,
/// L = 2, sigma = 8. With philox4x32_boxmuller streams, sgd_steps runs all
/// columns in SIMD lanes (numerics/simd/kernels.hpp).
class skewed_quadratic final : public objective {
public:
  skewed_quadratic(double mu, double L, double sigma);

  Eigen::Index dimension() const override {
    return 1;
  }
  double value(const const_vector_ref& x) const override;
  double optimum_value() const override {
    return 0.0;
  }
  void sample_gradients(const const_matrix_ref& x, random_stream* streams,
                        Eigen::Ref<matrix> g) const override;
  void sgd_steps(Eigen::Ref<matrix> x, stream_set& streams, const step_size& eta,
                 uint64_t first, uint64_t last, const snapshot_sink& sink) const override;
  void errors(const const_matrix_ref& points, double* out) const override;
  std::string describe() const override;
  objective_constants constants() const override {
    return {mu_, L_, sigma_};
  }
  double squared_distance_to_optimum(const const_vector_ref& x) const override {
    return x.squaredNorm();
  }

  /// sgd_steps one column at a time, drawing through the streams (any
  /// generator): the loop the SIMD kernel of sgd_steps reproduces bit for bit.
  void sgd_steps_by_column(Eigen::Ref<matrix> x, random_stream* streams, const step_size& eta,
                           uint64_t first, uint64_t last, const snapshot_sink& sink) const;

private:
  double mu_;
  double L_;
  double sigma_;
};

} // namespace lsgd
