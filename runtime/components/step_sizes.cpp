// The built-in step-size rules eta_t (numerics/step_size.hpp).
#include "runtime/components/builtins.hpp"

namespace lsgd {

step_size_component inverse_time_step() {
  return {"inverse_time", "eta_t = alpha / (mu (t + beta)); experiment Q: 3 / (t + 1)",
          {number_key("alpha", "numerator").above(0).def(3.0),
           number_key("mu", "strong convexity in the denominator").above(0).def(1.0),
           number_key("beta", "shift of t").above(0).def(1.0)},
          [](values& v) {
            return step_size::inverse_time(v.number("alpha"), v.number("mu"), v.number("beta"));
          }};
}

step_size_component harmonic_step() {
  return {"harmonic", "eta_t = min(eta / (t + 1), cap); experiments S and L: min(2/(t+1), 1/2)",
          {number_key("eta", "numerator").above(0).needed(),
           number_key("cap", "the largest step").above(0).def(0.5)},
          [](values& v) { return step_size::harmonic(v.number("eta"), v.number("cap")); }};
}

step_size_component constant_step() {
  return {"constant", "eta_t = eta",
          {number_key("eta", "the step").above(0).needed()},
          [](values& v) { return step_size::constant(v.number("eta")); }};
}

} // namespace lsgd
