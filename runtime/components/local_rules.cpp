// The built-in local update rules: SGD and FedAC-I/II (numerics/sgd_block.hpp,
// numerics/fedac.hpp).
#include "runtime/components/builtins.hpp"

#include "numerics/fedac.hpp"
#include "numerics/sgd_block.hpp"

#include <cmath>

namespace lsgd {

local_rule_component sgd_rule() {
  local_rule_component c;
  c.name = "sgd";
  c.doc = "plain SGD with the method's step size";
  c.make = [](values&) -> local_rule {
    return [](const local_rule_context& x) {
      return std::make_shared<sgd_method>(x.f, x.eta, x.x0);
    };
  };
  return c;
}

namespace {

// FedAC's problem constants: what the config gives, else what the objective
// knows; a constant neither knows is an error at its key.
fedac_problem fedac_constants(const values& v, const local_rule_context& x) {
  const auto known = x.f->constants();
  auto pick = [&](const char* key, double fallback) {
    const double given = v.has(key) ? v.number(key) : std::nan("");
    const double out = std::isnan(given) ? fallback : given;
    if (std::isnan(out))
      v.fail(key, std::string("required: the objective does not know ") + key
                    + (std::string(key) == "sigma"
                         ? " (the noise of a data objective's mini-batch gradients has no "
                           "closed form)"
                         : "")
                    + ": write fedac = { " + key + " = ... }");
    return out;
  };
  fedac_problem p;
  p.mu = pick("mu", known.mu);
  p.L = pick("L", known.L);
  p.sigma = pick("sigma", known.sigma);
  p.F0 = x.f->error(x.x0);
  p.x0_sq = x.f->squared_distance_to_optimum(x.x0);
  return p;
}

local_rule_component fedac_rule(std::string name, fedac_variant variant, std::string doc) {
  local_rule_component c;
  c.name = std::move(name);
  c.doc = std::move(doc);
  c.table = "fedac";
  c.uses_step_size = false;
  const std::string from = "from the objective";
  c.keys = {number_key("mu", "strong convexity").above(0).computed(from),
            number_key("L", "smoothness").above(0).computed(from),
            number_key("sigma", "gradient noise level").at_least(0).computed(from)};
  c.make = [variant](values& v) -> local_rule {
    return [variant, v](const local_rule_context& x) {
      const auto p = fedac_choose(variant, fedac_constants(v, x), x.N, x.T, x.R);
      return std::make_shared<fedac_method>(x.f, variant, p, x.x0);
    };
  };
  return c;
}

} // namespace

local_rule_component fedac1_rule() {
  return fedac_rule("fedac1", fedac_variant::I,
                    "FedAC-I (Yuan and Ma 2020) with the authors' parameters for H = T/R; "
                    "ignores the step size");
}

local_rule_component fedac2_rule() {
  return fedac_rule("fedac2", fedac_variant::II,
                    "FedAC-II (Yuan and Ma 2020) with the authors' parameters for H = T/R; "
                    "ignores the step size");
}

} // namespace lsgd
