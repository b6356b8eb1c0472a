// Which worker ids an in-process simulation loses and replaces, round by
// round ([faults.inject]): decided before the run from the config alone, so
// the same config gives the same losses whatever the threads or layout. The
// server applies them (actors/run_data.hpp, injected_faults); the simulated
// cluster time reads who took part in each round.
#pragma once

#include "actors/run_data.hpp"
#include "numerics/cluster_time.hpp"
#include "numerics/schedule.hpp"
#include "runtime/config/config.hpp"
#include "runtime/plan/run_plan.hpp"

#include <cstdint>
#include <functional>
#include <vector>

namespace lsgd {

/// What the stragglers rule needs of the simulated cluster: worker `w`'s
/// seconds per local step in round r (1-based), and the seconds of a round's
/// communication among n workers.
struct straggler_clock {
  std::function<double(uint32_t w, uint32_t round)> step_seconds;
  std::function<double(uint32_t n)> communication_seconds;
};

/// The faults of one repetition of one (method, N).
struct fault_timeline {
  injected_faults events;
  /// taking_part[r][w]: id w takes part in round r (index 0: the start, all N).
  std::vector<std::vector<bool>> taking_part;
  /// Per round: the simulated seconds allowed, where a straggler missed them
  /// (the round then lasts until the deadline); 0 where nobody missed.
  std::vector<double> missed_deadline;
};

/// The losses of repetition `rep` for N workers and the schedule `times`
/// (tau_0 = 0 .. tau_R). Per round r, in this order: the replacements due
/// take the lowest free ids (as the server hands them out); the configured
/// (worker, round) losses of ids that are held; each held id is lost with
/// `probability` (Philox4x64-10 keyed (seed, "faults.."), counter
/// (rep, id, r, 0)); with `clock`, the held ids whose local steps of round r
/// take longer than `policy.allowed_seconds` (the server's deadline rule in
/// simulated seconds) are lost. Every loss at round r is replaced at round
/// r + replace_after when that is a round. Configured ids >= N and rounds
/// > R do not apply. The timeline stops at a round that loses every worker.
fault_timeline plan_faults(const fault_injection& f, const fault_policy& policy, uint64_t seed,
                           uint32_t rep, uint32_t N, const comm_times& times,
                           const straggler_clock* clock = nullptr);

/// The config's cluster with its computed default filled in: bytes_per_model
/// 0 becomes 8 x the objective's dimension (the parameter bytes a model
/// message carries). Only for a plan with a [cluster_model].
cluster_model resolved_cluster(const run_plan& plan);

/// plan_faults for repetition `rep` of entry `entry` of `plan`, with the
/// stragglers' clock from its [cluster_model] when stragglers are on.
fault_timeline fault_timeline_of(const run_plan& plan, size_t entry, uint32_t rep);

/// Who takes part in each round of that run and the rounds' missed
/// deadlines, for the simulated cluster time; empty (everyone) without
/// injected faults.
round_participation participation(const run_plan& plan, size_t entry, uint32_t rep);

} // namespace lsgd
