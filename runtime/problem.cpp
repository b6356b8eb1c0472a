#include "runtime/problem.hpp"

#include "numerics/noisy_quadratic.hpp"
#include "numerics/sgd_block.hpp"
#include "numerics/skewed_quadratic.hpp"

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

std::shared_ptr<const local_method> make_local_method(const method_config& m,
                                                      std::shared_ptr<const objective> f,
                                                      const std::vector<double>& x0) {
  vector start = Eigen::Map<const vector>(x0.data(), static_cast<Eigen::Index>(x0.size()));
  if (m.optimizer == "sgd")
    return std::make_shared<sgd_method>(std::move(f), make_step_size(m.step_size),
                                        std::move(start));
  throw std::invalid_argument("unknown optimizer " + m.optimizer);
}

} // namespace lsgd
