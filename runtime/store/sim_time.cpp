// The simulated cluster time and the targets of runtime/store/sim_time.hpp.
#include "runtime/store/sim_time.hpp"

#include "runtime/store/results.hpp"

#include <algorithm>

namespace lsgd {

namespace {

// Means over the repetitions that have column k (a run that stopped early has fewer).
std::vector<double> column_means(const std::vector<std::vector<double>>& rows, size_t length) {
  std::vector<double> out(length, 0.0);
  for (size_t k = 0; k < length; ++k) {
    double sum = 0;
    size_t n = 0;
    for (const auto& row : rows)
      if (k < row.size()) {
        sum += row[k];
        ++n;
      }
    out[k] = n ? sum / double(n) : 0.0;
  }
  return out;
}

void add_cluster_times(const run_plan& plan, experiment_summary& s) {
  const auto m = resolved_cluster(plan);
  const auto recorded = plan.recorded_steps.steps();
  for (size_t e = 0; e < plan.entries.size(); ++e) {
    const auto& pe = plan.entries[e];
    auto& es = s.entries[e];
    std::vector<std::vector<double>> rounds, trajectories;
    std::vector<double> ends;
    for (size_t rep = 0; rep < es.runs.size(); ++rep) {
      auto& run = es.runs[rep];
      // The rounds this repetition completed.
      const std::vector<uint64_t> steps(pe.times.begin(),
                                        pe.times.begin() + std::min<size_t>(run.rounds + 1,
                                                                           pe.times.size()));
      const auto r = static_cast<uint32_t>(rep);
      const auto who = participation(plan, e, r); // all, unless faults are injected
      rounds.push_back(round_end_seconds(m, plan.config.seed, r, pe.N, steps, who));
      trajectories.push_back(step_times(m, plan.config.seed, r, pe.N, steps, recorded, who));
      run.sim_seconds = rounds.back().back();
      ends.push_back(*run.sim_seconds);
    }
    es.round_sim = column_means(rounds, es.round_errors.size());
    es.trajectory_sim = column_means(trajectories, es.trajectory.size());
    es.sim_seconds = summarize(ends);
  }
}

} // namespace

void add_sim_times(const run_plan& plan, experiment_summary& s) {
  if (plan.config.cluster)
    add_cluster_times(plan, s);
  const auto recorded = plan.recorded_steps.steps();
  for (auto& e : s.entries) {
    e.time_to_target.clear();
    for (double target : plan.config.report.targets) {
      target_reach reach{target, std::nullopt, std::nullopt, std::nullopt};
      for (size_t k = 0; k < e.trajectory.size(); ++k)
        if (e.trajectory[k].mean <= target) { // NaN (diverged) never reaches
          reach.step = recorded[k];
          // The round whose local steps reach it: the first to end at or after it.
          reach.round = static_cast<uint64_t>(
            std::lower_bound(e.round_steps.begin(), e.round_steps.end(), recorded[k])
            - e.round_steps.begin());
          if (k < e.trajectory_sim.size())
            reach.sim_seconds = e.trajectory_sim[k];
          break;
        }
      e.time_to_target.push_back(reach);
    }
  }
}

} // namespace lsgd
