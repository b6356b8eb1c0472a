// The paper's noisy quadratic (experiment Q).
#pragma once

#include "numerics/objective.hpp"

namespace lsgd {

/// f(x, z) = sum_i (a_i/2) x_i^2 (1 + s_m z1_i) + s_a x.z2 with z1, z2 standard
/// normal per coordinate, so g = a .* x .* (1 + s_m z1) + s_a z2,
/// F(x) = sum_i (a_i/2) x_i^2 and F* = 0. The paper uses a = (1..d), s_m = 1,
/// s_a = 0.5. Per coordinate the stream gives z1_i, then z2_i. With
/// philox4x32_boxmuller streams, sgd_steps runs all columns in SIMD lanes.
class noisy_quadratic final : public objective {
public:
  /// `curvature` holds a_i > 0; noise levels are >= 0.
  noisy_quadratic(vector curvature, double multiplicative_noise,
                  double additive_noise);

  Eigen::Index dimension() const override {
    return curvature_.size();
  }
  double value(const const_vector_ref& x) const override;
  double optimum_value() const override {
    return 0.0;
  }
  void sample_gradients(const const_matrix_ref& x, random_stream* streams,
                        Eigen::Ref<matrix> g) const override;
  void sgd_steps(Eigen::Ref<matrix> x, stream_set& streams, const step_size& eta,
                 uint64_t first, uint64_t last, const snapshot_sink& sink) const override;
  std::string describe() const override;
  objective_constants constants() const override;
  double squared_distance_to_optimum(const const_vector_ref& x) const override {
    return x.squaredNorm();
  }
  std::vector<double> expected_sgd_errors(const const_vector_ref& x0, uint64_t N,
                                          const step_size& eta,
                                          const std::vector<uint64_t>& times) const override;

  /// sgd_steps one column at a time, drawing through the streams (any
  /// generator): the loop the SIMD kernel of sgd_steps reproduces bit for bit.
  void sgd_steps_by_column(Eigen::Ref<matrix> x, random_stream* streams, const step_size& eta,
                           uint64_t first, uint64_t last, const snapshot_sink& sink) const;

  /// The SIMD path copies the columns into lanes (padded to the lane
  /// multiple) this many coordinates at a time, so its copy stays small
  /// however large d is; the streams' positions make each pass exact.
  static constexpr Eigen::Index coordinates_per_pass = 4096;

  const vector& curvature() const {
    return curvature_;
  }

private:
  vector curvature_;
  double multiplicative_noise_;
  double additive_noise_;
};

} // namespace lsgd
