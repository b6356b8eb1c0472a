// The components localsgd ships, registered by register_builtin_components()
// exactly as a user registers their own.
#pragma once

#include "runtime/components/objective_keys.hpp"
#include "runtime/config/components.hpp"

namespace lsgd {

/// Registers every built-in component once (later calls do nothing). The
/// command line calls it; so does anyone who parses configs without it.
void register_builtin_components();

// One factory per built-in component, each in the file named after it.
objective_component noisy_quadratic_objective();
objective_component skewed_quadratic_objective();
objective_component least_squares_objective();       // data_objectives.cpp
objective_component logistic_regression_objective(); // data_objectives.cpp
objective_component multinomial_logistic_objective(); // data_objectives.cpp
local_rule_component sgd_rule();                      // local_rules.cpp
local_rule_component fedac1_rule();                   // local_rules.cpp
local_rule_component fedac2_rule();                   // local_rules.cpp
schedule_component synchronous_schedule();            // schedules.cpp, and below
schedule_component stich_schedule();
schedule_component haddadpour_schedule();
schedule_component constant_schedule();
schedule_component increasing_schedule();
schedule_component decreasing_schedule();
schedule_component one_shot_schedule();
schedule_component explicit_schedule();
step_size_component inverse_time_step();              // step_sizes.cpp, and below
step_size_component harmonic_step();
step_size_component constant_step();

} // namespace lsgd
