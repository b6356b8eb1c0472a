// The kinds of component a config chooses by name: objectives, local update
// rules, communication schedules and step sizes. A component is registered
// with its key table and a factory from the checked values to what the
// numerics need; the built-in ones (runtime/components/) register exactly as
// a user's would:
//
//   lsgd::objective_registry().add({"huber", "Huber regression ...", huber_keys(), make_huber});
//
// Every factory runs when the config is loaded, so a config that cannot run
// fails before any work; an objective's factory returns a source that reads
// its data (if any) when the run is planned.
#pragma once

#include "numerics/local_optimizer.hpp"
#include "numerics/schedule.hpp"
#include "numerics/step_size.hpp"
#include "runtime/config/key_table.hpp"
#include "runtime/config/registry.hpp"
#include "runtime/io/optimum_cache.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lsgd {

/// An objective ready to run: F, the start x0 (length d) and, for an
/// objective whose F* had to be computed, how it was obtained.
struct prepared_objective {
  std::shared_ptr<const objective> f;
  std::vector<double> x0;
  std::optional<optimum_report> optimum;
};

/// Makes the objective when the run is planned (a data set is read then).
using objective_source = std::function<prepared_objective()>;

/// What a local update rule is built for: one (method, N) of a run.
struct local_rule_context {
  std::shared_ptr<const objective> f;
  step_size eta; // the method's step size
  vector x0;
  uint64_t N = 1, T = 1, R = 1;
};

/// Makes the local method of one (method, N); throws std::invalid_argument
/// when the rule does not fit it (reported with the method and N).
using local_rule = std::function<std::shared_ptr<const local_method>(const local_rule_context&)>;

/// The communication times of a schedule for T steps and N workers; throws
/// std::invalid_argument when the schedule does not fit (e.g. R > T).
using schedule_rule = std::function<comm_times(uint64_t T, uint64_t N)>;

/// A registered component: its name (the value of `type` in the config), a
/// one-line doc, its keys, and the factory from their checked values to
/// `Made`. The factory may replace values with what they resolve to and
/// throws config_error through values::fail for a combination that does not
/// work.
template <class Made>
struct component {
  std::string name;
  std::string doc;
  key_table keys;
  std::function<Made(values&)> make;
};

using objective_component = component<objective_source>;
using step_size_component = component<step_size>;

struct schedule_component : component<schedule_rule> {
  /// false: the component needs parameters, so `schedule = "name"` is refused.
  bool shorthand = true;
};

struct local_rule_component : component<local_rule> {
  /// The sub-table of [[method]] that holds its keys ("" : it has none).
  std::string table;
  /// true: the rule uses the method's step size (SGD); false: it has its own.
  bool uses_step_size = true;
};

/// The registries a config's `type` and `optimizer` values are looked up in.
registry<objective_component>& objective_registry();
registry<local_rule_component>& local_rule_registry();
registry<schedule_component>& schedule_registry();
registry<step_size_component>& step_size_registry();

} // namespace lsgd
