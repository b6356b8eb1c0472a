// FedAC (Yuan and Ma, "Federated Accelerated Stochastic Gradient Descent",
// NeurIPS 2020): the accelerated baseline the paper's authors compare against.
#pragma once

#include "numerics/local_optimizer.hpp"

namespace lsgd {

enum class fedac_variant { I, II };

/// The constant step parameters of FedAC.
struct fedac_parameters {
  double eta = 0;   // step of the aggregated iterate w_ag
  double gamma = 0; // step of w
  double alpha = 1;
  double beta = 2;
};

/// The problem constants the parameter choice needs.
struct fedac_problem {
  double mu = 1;    // strong convexity
  double L = 1;     // smoothness
  double sigma = 1; // additive gradient noise level
  double F0 = 0;    // F(x0) - F*
  double x0_sq = 0; // |x0 - x*|^2
};

/// The authors' parameter choice, with H = T/R and
/// phi0 = F0 + (mu/2)|x0|^2 (I) or F0 + (mu/6)|x0|^2 (II):
/// - FedAC-I:  c = ln(e + min(mu N T phi0 / sigma^2, mu^2 T^3 phi0 / (L H^2 sigma^2)))^2,
///   eta = min(1/L, c/(mu T R)), gamma = max(sqrt(eta/(mu H)), eta),
///   alpha = 1/(gamma mu), beta = alpha + 1.
/// - FedAC-II: c = ln(e + min(mu N T phi0 / sigma^2, mu^3 T^4 phi0 / (L^2 H^3 sigma^2)))^2,
///   eta = min(1/L, 9c/(mu T R)), gamma as above, alpha = 1.5/(gamma mu) - 0.5,
///   beta = (2 alpha^2 - 1)/(alpha - 1).
/// ln(.)^2 is the square of the logarithm. sigma = 0 takes the min as +inf.
fedac_parameters fedac_choose(fedac_variant v, const fedac_problem& p, uint64_t N, uint64_t T,
                              uint64_t R);

/// A block of FedAC workers. A worker's model is (w, w_ag), 2d numbers; per step
///   w_md = w/beta + (1 - 1/beta) w_ag,  g = stochastic gradient at w_md,
///   v_ag = w_md - eta g,  v = (1 - 1/alpha) w + w_md/alpha - gamma g,
/// then w = v, w_ag = v_ag; the server averages both, and the error is
/// measured at the mean of v (the first d entries).
class fedac_block final : public local_optimizer {
public:
  fedac_block(std::shared_ptr<const objective> f, fedac_parameters p, const block_layout& layout);

  void load(const const_matrix_ref& averages) override;
  void advance(uint64_t first, uint64_t last, const snapshot_sink& sink) override;
  const matrix& models() const override {
    return m_;
  }
  stream_set& streams() override {
    return streams_;
  }

private:
  std::shared_ptr<const objective> f_;
  fedac_parameters p_;
  uint32_t workers_;
  stream_set streams_;
  matrix m_;  // 2d x columns: w on top, w_ag below
  matrix md_; // scratch: w_md
  matrix g_;  // scratch: gradients
};

class fedac_method final : public local_method {
public:
  /// Blocks draw from streams of kind `generator`.
  fedac_method(std::shared_ptr<const objective> f, fedac_variant v, fedac_parameters p, vector x0,
               generator_kind generator = default_generator);

  Eigen::Index model_size() const override {
    return 2 * f_->dimension();
  }
  vector initial_model() const override;
  std::unique_ptr<local_optimizer> make_block(const block_layout& layout) const override;
  std::string describe() const override;

  const fedac_parameters& parameters() const {
    return p_;
  }

private:
  std::shared_ptr<const objective> f_;
  fedac_variant variant_;
  fedac_parameters p_;
  vector x0_;
  generator_kind generator_;
};

} // namespace lsgd
