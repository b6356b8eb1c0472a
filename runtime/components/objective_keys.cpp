#include "runtime/components/objective_keys.hpp"

namespace lsgd {

key_spec x0_key() {
  return numbers_key("x0", "the start: d numbers, or one for all");
}

std::vector<double> resolve_x0(values& v, size_t d, const std::string& what_d) {
  std::vector<double> x0 = v.has("x0") ? v.numbers("x0") : std::vector<double>{0.0};
  if (x0.size() == 1)
    x0.assign(d, x0[0]);
  else if (x0.size() != d)
    v.fail("x0", "has " + std::to_string(x0.size()) + " entries but "
                   + (what_d.empty() ? "the dimension is " + std::to_string(d) : what_d));
  v.set("x0", x0);
  return x0;
}

} // namespace lsgd
