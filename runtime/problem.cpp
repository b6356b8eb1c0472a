#include "runtime/problem.hpp"

#include "numerics/data_objective.hpp"
#include "numerics/fedac.hpp"
#include "numerics/least_squares.hpp"
#include "numerics/logistic_regression.hpp"
#include "numerics/multinomial_logistic.hpp"
#include "numerics/noisy_quadratic.hpp"
#include "numerics/sgd_block.hpp"
#include "numerics/skewed_quadratic.hpp"
#include "runtime/dataset_reader.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace lsgd {

namespace {

// Everything that changes F, for the F* cache key.
std::string optimum_settings(const objective_config& c) {
  std::ostringstream out;
  out << std::hexfloat << "localsgd F* v1; type " << c.type << "; format " << c.format
      << "; header " << c.header << "; label column " << c.label_name << "/" << c.label_index
      << "; labels";
  for (double v : c.labels)
    out << " " << v;
  out << "; standardize " << c.standardize << "; intercept " << c.intercept << "; lambda "
      << c.lambda;
  return out.str();
}

// Newton's method factorises the d x d Hessian: beyond this d it would not fit.
constexpr Eigen::Index max_newton_dimension = 5000;

// The data set of `c`, scaled as configured; `bytes` receives the file's content.
std::shared_ptr<const dataset> load_data(const objective_config& c, std::string& bytes) {
  dataset_format format;
  format.format = c.format;
  format.header = c.header;
  format.label_name = c.label_name;
  format.label_index = c.label_index;
  format.labels = c.type == "least_squares"         ? label_kind::real
                  : c.type == "logistic_regression" ? label_kind::binary
                                                    : label_kind::classes;
  format.label_values = c.labels;
  dataset data;
  try {
    bytes = read_data_file(c.data);
    data = parse_dataset(bytes, c.data, format);
  } catch (const dataset_error& e) {
    throw config_error(c.data_location + ": " + e.what());
  }
  if (c.standardize)
    standardize(data);
  if (c.intercept)
    append_intercept(data);
  return std::make_shared<const dataset>(std::move(data));
}

// x0 of length d: all zero by default, one number for all, or d numbers.
std::vector<double> resolve_x0(const objective_config& c, const finite_sum& f) {
  const auto d = f.dimension();
  if (c.x0.empty() || c.x0.size() == 1)
    return std::vector<double>(static_cast<size_t>(d), c.x0.empty() ? 0.0 : c.x0[0]);
  if (static_cast<Eigen::Index>(c.x0.size()) != d) {
    const auto K = f.data().classes;
    throw config_error(c.x0_location + ": has " + std::to_string(c.x0.size())
                       + " entries but the objective has d = " + std::to_string(d) + " ("
                       + std::to_string(f.data().features_per_sample() - (c.intercept ? 1 : 0))
                       + " features" + (c.intercept ? " + intercept" : "")
                       + (c.type == "multinomial_logistic"
                            ? ", times " + std::to_string(K) + " classes"
                            : "")
                       + ")");
  }
  return c.x0;
}

prepared_objective prepare_data_objective(const objective_config& c) {
  std::string bytes;
  const auto data = load_data(c, bytes);
  std::shared_ptr<const finite_sum> f;
  if (c.type == "least_squares")
    f = std::make_shared<least_squares>(data, c.lambda);
  else if (c.type == "logistic_regression")
    f = std::make_shared<logistic_regression>(data, c.lambda);
  else
    f = std::make_shared<multinomial_logistic>(data, c.lambda);
  // Before anything of length d is allocated: d is features x classes for a
  // multinomial objective, so a small file can ask for terabytes.
  if (f->dimension() > max_newton_dimension)
    throw config_error(c.data_location + ": d = " + std::to_string(f->dimension())
                       + " is too large for computing F* by Newton's method (at most "
                       + std::to_string(max_newton_dimension) + ")");
  prepared_objective out;
  out.config = c;
  out.config.dimension = f->dimension();
  out.config.x0 = resolve_x0(c, *f);
  const auto settings = optimum_settings(c);
  optimum opt;
  try {
    opt = find_optimum(*f, c.data + ".optimum.json", optimum_cache_key(bytes, settings),
                       settings);
  } catch (const std::runtime_error& e) {
    throw config_error(c.data_location + ": F*: " + e.what());
  }
  out.f = std::make_shared<data_objective>(
    f, opt.x, opt.report.value, static_cast<uint32_t>(c.batch_size),
    c.split == "sharded" ? data_split::sharded : data_split::shared);
  out.optimum = opt.report;
  return out;
}

} // namespace

prepared_objective prepare_objective(const objective_config& c) {
  if (is_data_objective(c))
    return prepare_data_objective(c);
  return {make_objective(c), c, std::nullopt};
}

std::shared_ptr<const objective> make_objective(const objective_config& c) {
  if (is_data_objective(c))
    return prepare_data_objective(c).f;
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
  auto pick = [](double given, double fallback) { return std::isnan(given) ? fallback : given; };
  if (auto data = dynamic_cast<const data_objective*>(&f)) {
    // F is lambda-strongly convex; sigma has no closed form (config.cpp asks for it).
    p.mu = pick(c.mu, data->problem().lambda());
    p.L = std::isnan(c.L) ? data->problem().smoothness() : c.L;
    p.sigma = c.sigma;
    p.F0 = f.error(x0);
    p.x0_sq = (x0 - data->minimizer()).squaredNorm();
    return p;
  }
  const bool noisy = oc.type == "noisy_quadratic";
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
                                                      uint64_t N, uint64_t T, uint64_t R,
                                                      generator_kind generator) {
  vector x0 = Eigen::Map<const vector>(oc.x0.data(), static_cast<Eigen::Index>(oc.x0.size()));
  if (auto data = dynamic_cast<const data_objective*>(f.get());
      data && data->split() == data_split::sharded
      && N > static_cast<uint64_t>(data->problem().data().samples()))
    throw std::invalid_argument("split = \"sharded\" needs N <= "
                                + std::to_string(data->problem().data().samples())
                                + ", the number of samples");
  if (m.optimizer == "sgd")
    return std::make_shared<sgd_method>(std::move(f), make_step_size(m.step_size),
                                        std::move(x0), generator);
  if (m.optimizer == "fedac1" || m.optimizer == "fedac2") {
    const auto v = m.optimizer == "fedac1" ? fedac_variant::I : fedac_variant::II;
    const auto p = fedac_choose(v, fedac_constants(m.fedac, oc, *f, x0), N, T, R);
    return std::make_shared<fedac_method>(std::move(f), v, p, std::move(x0), generator);
  }
  throw std::invalid_argument("unknown optimizer " + m.optimizer);
}

} // namespace lsgd
