// The paper's noisy quadratic (experiment Q) as a config component.
#include "runtime/components/builtins.hpp"

#include "numerics/noisy_quadratic.hpp"

namespace lsgd {

objective_component noisy_quadratic_objective() {
  objective_component c;
  c.name = "noisy_quadratic";
  c.doc = "f(x, z) = sum_i (a_i/2) x_i^2 (1 + s_m z1_i) + s_a x.z2, F* = 0";
  c.keys = {
    integer_key("dimension", "d").at_least(1).at_most(max_dimension).def(int64_t{3}),
    numbers_key("curvature", "a_i > 0: d numbers, or one for all").above(0)
      .computed("1, 2, ..., d"),
    number_key("multiplicative_noise", "s_m").at_least(0).def(1.0),
    number_key("additive_noise", "s_a").at_least(0).def(0.5),
    x0_key().needed(),
  };
  c.make = [](values& v) -> objective_source {
    const auto d = static_cast<size_t>(v.integer("dimension"));
    std::vector<double> a;
    if (v.has("curvature")) {
      a = v.numbers("curvature");
      if (a.size() == 1)
        a.assign(d, a[0]);
      if (a.size() != d)
        v.fail("curvature", "has " + std::to_string(v.numbers("curvature").size())
                              + " entries but dimension = " + std::to_string(d));
    } else {
      for (size_t i = 1; i <= d; ++i)
        a.push_back(static_cast<double>(i));
    }
    v.set("curvature", a);
    auto x0 = resolve_x0(v, d);
    const double s_m = v.number("multiplicative_noise");
    const double s_a = v.number("additive_noise");
    return [a, x0, s_m, s_a] {
      auto f = std::make_shared<noisy_quadratic>(
        Eigen::Map<const vector>(a.data(), static_cast<Eigen::Index>(a.size())), s_m, s_a);
      return prepared_objective{f, x0, std::nullopt};
    };
  };
  return c;
}

} // namespace lsgd
