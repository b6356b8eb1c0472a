#include "runtime/config/components.hpp"

namespace lsgd {

registry<objective_component>& objective_registry() {
  static registry<objective_component> r;
  return r;
}

registry<local_rule_component>& local_rule_registry() {
  static registry<local_rule_component> r;
  return r;
}

registry<schedule_component>& schedule_registry() {
  static registry<schedule_component> r;
  return r;
}

registry<step_size_component>& step_size_registry() {
  static registry<step_size_component> r;
  return r;
}

} // namespace lsgd
