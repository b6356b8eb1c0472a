// What the results add from [cluster_model] and [report] targets: the
// simulated cluster time of every round and recorded step (numerics/
// cluster_time.hpp, from the plan's round steps after the run) and the first
// step at which each entry's mean error reaches each target.
#pragma once

#include "numerics/cluster_time.hpp"
#include "runtime/plan/fault_plan.hpp"
#include "runtime/plan/run_plan.hpp"

namespace lsgd {

struct experiment_summary;

/// Fills every entry's round_sim, trajectory_sim, sim_seconds and its runs'
/// sim_seconds when the plan has a cluster model (else nothing), then every
/// entry's time_to_target for [report] targets.
void add_sim_times(const run_plan& plan, experiment_summary& s);

} // namespace lsgd
