#include "numerics/fedac.hpp"

#include "numerics/simd/kernels.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace lsgd {

fedac_parameters fedac_choose(fedac_variant v, const fedac_problem& p, uint64_t N, uint64_t T,
                              uint64_t R) {
  if (!(p.mu > 0) || !(p.L >= p.mu) || !(p.sigma >= 0) || N < 1 || R < 1 || T < R)
    throw std::invalid_argument("fedac: needs mu > 0, L >= mu, sigma >= 0, 1 <= R <= T");
  const double mu = p.mu, L = p.L, n = double(N), t = double(T), r = double(R);
  const double H = t / r;
  const double s2 = p.sigma * p.sigma;
  const bool first = v == fedac_variant::I;
  const double phi0 = p.F0 + (first ? mu / 2 : mu / 6) * p.x0_sq;
  const double inf = std::numeric_limits<double>::infinity();
  const double a = s2 > 0 ? mu * n * t * phi0 / s2 : inf;
  const double b = s2 > 0 ? (first ? mu * mu * std::pow(t, 3) * phi0 / (L * H * H * s2)
                                   : std::pow(mu, 3) * std::pow(t, 4) * phi0
                                       / (L * L * std::pow(H, 3) * s2))
                          : inf;
  const double log_term = std::log(std::exp(1.0) + std::min(a, b));
  const double c = log_term * log_term;
  fedac_parameters out;
  out.eta = std::min(1 / L, (first ? c : 9 * c) / (mu * t * r));
  out.gamma = std::max(std::sqrt(out.eta / (mu * H)), out.eta);
  if (first) {
    out.alpha = 1 / (out.gamma * mu);
    out.beta = out.alpha + 1;
  } else {
    out.alpha = 1.5 / (out.gamma * mu) - 0.5;
    out.beta = (2 * out.alpha * out.alpha - 1) / (out.alpha - 1);
  }
  if (!std::isfinite(out.eta) || !std::isfinite(out.beta) || out.alpha <= 1)
    throw std::invalid_argument("fedac: the parameter choice gives alpha <= 1 or non-finite "
                                "steps for these mu, L, sigma, N, T and R");
  return out;
}

fedac_block::fedac_block(std::shared_ptr<const objective> f, fedac_parameters p,
                         const block_layout& layout)
  : f_(block_objective(std::move(f), layout)),
    p_(p),
    workers_(layout.workers),
    streams_(layout.streams()),
    m_(matrix::Zero(2 * f_->dimension(), layout.columns())),
    md_(f_->dimension(), layout.columns()),
    g_(f_->dimension(), layout.columns()) {
}

void fedac_block::load(const const_matrix_ref& averages) {
  load_averages(m_, averages, workers_);
}

void fedac_block::advance(uint64_t first, uint64_t last, const snapshot_sink& sink) {
  const auto d = f_->dimension();
  auto w = m_.topRows(d);
  auto w_ag = m_.bottomRows(d);
  const double inv_alpha = 1 / p_.alpha, inv_beta = 1 / p_.beta;
  size_t s = 0;
  for (uint64_t t = first; t < last; ++t) {
    md_ = inv_beta * w + (1 - inv_beta) * w_ag;
    f_->sample_gradients(md_, streams_.columns().data(), g_);
    w = (1 - inv_alpha) * w + inv_alpha * md_ - p_.gamma * g_; // v
    w_ag = md_ - p_.eta * g_;                                   // v_ag
    write_snapshot(sink, s, t + 1, m_, d);
  }
}

fedac_method::fedac_method(std::shared_ptr<const objective> f, fedac_variant v,
                           fedac_parameters p, vector x0, generator_kind generator)
  : f_(std::move(f)), variant_(v), p_(p), x0_(std::move(x0)), generator_(generator) {
  if (generator_ == generator_kind::philox4x32_boxmuller)
    simd::active_kernels(); // a bad LSGD_SIMD fails here, while the run is planned
  if (x0_.size() != f_->dimension())
    throw std::invalid_argument("fedac: x0 has the wrong length");
}

vector fedac_method::initial_model() const {
  vector m(2 * x0_.size());
  m << x0_, x0_;
  return m;
}

std::unique_ptr<local_optimizer> fedac_method::make_block(const block_layout& layout) const {
  auto own = layout;
  own.generator = generator_;
  return std::make_unique<fedac_block>(f_, p_, own);
}

std::string fedac_method::describe() const {
  std::ostringstream out;
  out << (variant_ == fedac_variant::I ? "FedAC-I" : "FedAC-II") << ", eta = " << p_.eta
      << ", gamma = " << p_.gamma << ", alpha = " << p_.alpha << ", beta = " << p_.beta;
  return out.str();
}

} // namespace lsgd
