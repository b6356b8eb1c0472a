// The skewed 1-D quadratic of experiments S and L as a config component.
#include "runtime/components/builtins.hpp"

#include "numerics/skewed_quadratic.hpp"

namespace lsgd {

objective_component skewed_quadratic_objective() {
  objective_component c;
  c.name = "skewed_quadratic";
  c.doc = "F(x) = (L/2) x^2 for x >= 0, (mu/2) x^2 for x < 0, gradient noise N(0, sigma^2)";
  c.keys = {
    number_key("mu", "curvature for x < 0").above(0).def(1.0),
    number_key("L", "curvature for x >= 0").above(0).def(2.0),
    number_key("sigma", "gradient noise level").at_least(0).def(8.0),
    x0_key().needed(),
  };
  c.make = [](values& v) -> objective_source {
    auto x0 = resolve_x0(v, 1);
    const double mu = v.number("mu"), L = v.number("L"), sigma = v.number("sigma");
    return [x0, mu, L, sigma] {
      return prepared_objective{std::make_shared<skewed_quadratic>(mu, L, sigma), x0,
                                std::nullopt};
    };
  };
  return c;
}

} // namespace lsgd
