// Turns validated config sections into the numerics objects they name.
#pragma once

#include "numerics/local_optimizer.hpp"
#include "numerics/schedule.hpp"
#include "numerics/step_size.hpp"
#include "runtime/config.hpp"

#include <memory>

namespace lsgd {

std::shared_ptr<const objective> make_objective(const objective_config& c);

step_size make_step_size(const step_size_config& c);

/// The communication times of `c` for T steps and N workers; throws
/// std::invalid_argument when the schedule does not fit (e.g. R > T).
comm_times make_schedule(const schedule_config& c, uint64_t T, uint64_t N);

/// The local method of `m` for N workers, T steps and R rounds (FedAC's
/// parameters depend on them and on the objective's constants).
std::shared_ptr<const local_method> make_local_method(const method_config& m,
                                                      const objective_config& oc,
                                                      std::shared_ptr<const objective> f,
                                                      uint64_t N, uint64_t T, uint64_t R);

} // namespace lsgd
