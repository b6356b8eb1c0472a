#include "runtime/components/builtins.hpp"

namespace lsgd {

void register_builtin_components() {
  static const bool once = [] {
    objective_registry().add(noisy_quadratic_objective());
    objective_registry().add(skewed_quadratic_objective());
    objective_registry().add(least_squares_objective());
    objective_registry().add(logistic_regression_objective());
    objective_registry().add(multinomial_logistic_objective());
    local_rule_registry().add(sgd_rule());
    local_rule_registry().add(fedac1_rule());
    local_rule_registry().add(fedac2_rule());
    schedule_registry().add(synchronous_schedule());
    schedule_registry().add(stich_schedule());
    schedule_registry().add(haddadpour_schedule());
    schedule_registry().add(constant_schedule());
    schedule_registry().add(increasing_schedule());
    schedule_registry().add(decreasing_schedule());
    schedule_registry().add(one_shot_schedule());
    schedule_registry().add(explicit_schedule());
    step_size_registry().add(inverse_time_step());
    step_size_registry().add(harmonic_step());
    step_size_registry().add(constant_step());
    return true;
  }();
  (void)once;
}

} // namespace lsgd
