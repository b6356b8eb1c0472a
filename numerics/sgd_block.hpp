// Plain SGD on a block of workers: x_n <- x_n - eta_t g_n(x_n).
#pragma once

#include "numerics/local_optimizer.hpp"
#include "numerics/step_size.hpp"

#include <vector>

namespace lsgd {

class sgd_block final : public local_optimizer {
public:
  sgd_block(std::shared_ptr<const objective> f, step_size eta, const block_layout& layout);

  void load(const const_matrix_ref& averages) override;
  void advance(uint64_t first, uint64_t last, const snapshot_sink& sink) override;
  const matrix& models() const override {
    return x_;
  }
  stream_set& streams() override {
    return streams_;
  }

private:
  std::shared_ptr<const objective> f_;
  step_size eta_;
  uint32_t workers_;
  stream_set streams_;
  matrix x_; // d x columns: one iterate per column
};

/// Local SGD: every worker runs plain SGD with the same step-size rule.
class sgd_method final : public local_method {
public:
  /// Blocks draw from streams of kind `generator`.
  sgd_method(std::shared_ptr<const objective> f, step_size eta, vector x0,
             generator_kind generator = default_generator);

  Eigen::Index model_size() const override {
    return f_->dimension();
  }
  vector initial_model() const override {
    return x0_;
  }
  std::unique_ptr<local_optimizer> make_block(const block_layout& layout) const override;
  std::string describe() const override;
  std::vector<double> expected_errors(uint64_t N, const std::vector<uint64_t>& times) const override {
    return f_->expected_sgd_errors(x0_, N, eta_, times);
  }

private:
  std::shared_ptr<const objective> f_;
  step_size eta_;
  vector x0_;
  generator_kind generator_;
};

} // namespace lsgd
