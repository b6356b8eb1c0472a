#include "runtime/run_plan.hpp"

#include "runtime/problem.hpp"

#include <algorithm>
#include <thread>

namespace lsgd {

uint32_t run_plan::workers_per_actor(uint32_t N) const {
  if (config.runtime.workers_per_actor > 0)
    return std::min<uint32_t>(N, static_cast<uint32_t>(config.runtime.workers_per_actor));
  return (N + threads - 1) / threads;
}

run_plan make_plan(const experiment_config& c) {
  run_plan plan;
  plan.config = c;
  plan.threads = c.runtime.threads > 0
                   ? static_cast<uint32_t>(c.runtime.threads)
                   : std::max(1u, std::thread::hardware_concurrency());
  plan.f = make_objective(c.objective);
  const auto T = static_cast<uint64_t>(c.T);
  plan.records = record_plan(T, static_cast<uint64_t>(c.record_every));
  auto add = [&](const method_config& m, uint32_t N, bool single) {
    plan_entry e;
    e.method = m.name;
    e.N = N;
    e.single_worker = single;
    e.config = m;
    try {
      e.times = make_schedule(m.schedule, T, N);
      e.local = make_local_method(m, plan.f, c.objective.x0);
    } catch (const std::invalid_argument& err) {
      throw config_error(c.file + ": method \"" + m.name + "\" at N = " + std::to_string(N)
                         + ": " + err.what());
    }
    plan.entries.push_back(std::move(e));
  };
  if (c.speedup) {
    for (const auto& m : c.methods)
      if (m.name == single_worker_method)
        throw config_error(c.file + ": method name \"" + single_worker_method
                           + "\" is reserved for the single-worker runs of [speedup]");
    method_config single;
    single.name = single_worker_method;
    single.schedule.type = "one_shot";
    single.step_size = c.step_size;
    add(single, 1, true);
  }
  for (const auto& m : c.methods)
    for (auto N : c.N)
      add(m, static_cast<uint32_t>(N), false);
  for (size_t e = 0; e < plan.entries.size(); ++e)
    for (int64_t rep = 0; rep < c.repetitions; ++rep)
      plan.runs.push_back({e, static_cast<uint32_t>(rep)});
  return plan;
}

} // namespace lsgd
