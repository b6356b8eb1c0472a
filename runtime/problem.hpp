// Turns validated config sections into the numerics objects they name.
#pragma once

#include "numerics/local_optimizer.hpp"
#include "numerics/schedule.hpp"
#include "numerics/step_size.hpp"
#include "runtime/config.hpp"
#include "runtime/optimum_cache.hpp"

#include <memory>
#include <optional>

namespace lsgd {

std::shared_ptr<const objective> make_objective(const objective_config& c);

/// An objective with its config completed by what only the objective knows.
struct prepared_objective {
  std::shared_ptr<const objective> f;
  objective_config config; // a data objective's: dimension and x0 (default 0) filled in
  std::optional<optimum_report> optimum; // a data objective's: how F* was obtained
};

/// The objective of `c`. A data objective reads its data set, standardizes it
/// and appends the intercept as configured, and finds x* and F* (from the
/// cache next to the data file, or by Newton's method). Throws config_error
/// naming the config key for a data file that cannot be used or an x0 of the
/// wrong length.
prepared_objective prepare_objective(const objective_config& c);

step_size make_step_size(const step_size_config& c);

/// The communication times of `c` for T steps and N workers; throws
/// std::invalid_argument when the schedule does not fit (e.g. R > T).
comm_times make_schedule(const schedule_config& c, uint64_t T, uint64_t N);

/// The local method of `m` for N workers, T steps and R rounds (FedAC's
/// parameters depend on them and on the objective's constants), drawing from
/// streams of kind `generator`.
std::shared_ptr<const local_method> make_local_method(const method_config& m,
                                                      const objective_config& oc,
                                                      std::shared_ptr<const objective> f,
                                                      uint64_t N, uint64_t T, uint64_t R,
                                                      generator_kind generator);

} // namespace lsgd
