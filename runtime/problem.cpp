#include "runtime/problem.hpp"

#include "numerics/fedac.hpp"
#include "numerics/noisy_quadratic.hpp"
#include "numerics/sgd_block.hpp"
#include "numerics/skewed_quadratic.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lsgd {

std::shared_ptr<const objective> make_objective(const objective_config& c) {
  if (c.type == "noisy_quadratic")
    return std::make_shared<noisy_quadratic>(
      Eigen::Map<const vector>(c.curvature.data(), static_cast<Eigen::Index>(c.curvature.size())),
      c.multiplicative_noise, c.additive_noise);
  if (c.type == "skewed_quadratic")
    return std::make_shared<skewed_quadratic>(c.mu, c.L, c.sigma);
  throw std::invalid_argument("unknown objective type " + c.type);
}

step_size make_step_size(const step_size_config& c) {
  if (c.type == "inverse_time")
    return step_size::inverse_time(c.alpha, c.mu, c.beta);
  if (c.type == "harmonic")
    return step_size::harmonic(c.eta, c.cap);
  if (c.type == "constant")
    return step_size::constant(c.eta);
  throw std::invalid_argument("unknown step size type " + c.type);
}

comm_times make_schedule(const schedule_config& c, uint64_t T, uint64_t N) {
  auto rounds = [&] { return rounds_rule::parse(c.rounds).resolve(N); };
  if (c.type == "synchronous")
    return schedules::synchronous(T);
  if (c.type == "stich")
    return schedules::stich(T, N);
  if (c.type == "haddadpour")
    return schedules::haddadpour(T, N);
  if (c.type == "constant")
    return c.period > 0 ? schedules::constant_period(T, static_cast<uint64_t>(c.period))
                        : schedules::constant_rounds(T, rounds());
  if (c.type == "increasing")
    return schedules::increasing(T, rounds());
  if (c.type == "decreasing")
    return schedules::decreasing(T, rounds());
  if (c.type == "one_shot")
    return schedules::one_shot(T);
  if (c.type == "explicit")
    return schedules::explicit_times(T, std::vector<uint64_t>(c.times.begin(), c.times.end()));
  throw std::invalid_argument("unknown schedule type " + c.type);
}

namespace {

// FedAC's constants: what the config says, else what the objective knows.
fedac_problem fedac_constants(const fedac_config& c, const objective_config& oc,
                              const objective& f, const vector& x0) {
  fedac_problem p;
  const bool noisy = oc.type == "noisy_quadratic";
  auto pick = [](double given, double fallback) { return std::isnan(given) ? fallback : given; };
  const auto [lo, hi] = std::minmax_element(oc.curvature.begin(), oc.curvature.end());
  p.mu = pick(c.mu, noisy ? *lo : oc.mu);
  p.L = pick(c.L, noisy ? *hi : oc.L);
  p.sigma = pick(c.sigma, noisy ? oc.additive_noise : oc.sigma);
  p.F0 = f.error(x0);
  p.x0_sq = x0.squaredNorm(); // both objectives have x* = 0
  return p;
}

} // namespace

std::shared_ptr<const local_method> make_local_method(const method_config& m,
                                                      const objective_config& oc,
                                                      std::shared_ptr<const objective> f,
                                                      uint64_t N, uint64_t T, uint64_t R) {
  vector x0 = Eigen::Map<const vector>(oc.x0.data(), static_cast<Eigen::Index>(oc.x0.size()));
  if (m.optimizer == "sgd")
    return std::make_shared<sgd_method>(std::move(f), make_step_size(m.step_size),
                                        std::move(x0));
  if (m.optimizer == "fedac1" || m.optimizer == "fedac2") {
    const auto v = m.optimizer == "fedac1" ? fedac_variant::I : fedac_variant::II;
    const auto p = fedac_choose(v, fedac_constants(m.fedac, oc, *f, x0), N, T, R);
    return std::make_shared<fedac_method>(std::move(f), v, p, std::move(x0));
  }
  throw std::invalid_argument("unknown optimizer " + m.optimizer);
}

} // namespace lsgd
