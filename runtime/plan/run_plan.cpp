#include "runtime/plan/run_plan.hpp"

#include "runtime/plan/memory_estimate.hpp"

#include <algorithm>
#include <thread>

namespace lsgd {

uint32_t run_plan::workers_per_actor(uint32_t N) const {
  if (config.inject.enabled) // injected losses take single ids
    return 1;
  if (config.runtime.workers_per_actor > 0)
    return std::min<uint32_t>(N, static_cast<uint32_t>(config.runtime.workers_per_actor));
  // Enough batches to keep every thread busy: one actor per batch. Else split
  // the workers, so that a single large run still uses every core.
  return batches.size() >= threads ? N : (N + threads - 1) / threads;
}

namespace {

// Repetitions per batch: all of an entry's if there are enough entries to
// keep 4 x threads batches in flight, else fewer, down to one.
uint32_t repetitions_per_batch(const experiment_config& c, uint32_t reps, size_t entries,
                               uint32_t threads) {
  if (c.inject.enabled) // every repetition has its own losses
    return 1;
  if (c.runtime.repetitions_per_actor > 0)
    return std::min(reps, static_cast<uint32_t>(c.runtime.repetitions_per_actor));
  const size_t wanted = 4 * size_t{threads};
  const auto per_entry = static_cast<uint32_t>(std::max<size_t>(1, (wanted + entries - 1) / entries));
  return (reps + per_entry - 1) / per_entry;
}

} // namespace

run_plan make_plan(const experiment_config& c, uint32_t layout_threads) {
  run_plan plan;
  plan.config = c;
  plan.threads = c.runtime.threads > 0
                   ? static_cast<uint32_t>(c.runtime.threads)
                   : std::max(1u, std::thread::hardware_concurrency());
  auto prepared = c.objective.made();
  plan.f = prepared.f;
  plan.x0 = prepared.x0;
  plan.optimum = prepared.optimum;
  plan.config.objective.settings.set("x0", prepared.x0);
  const auto T = static_cast<uint64_t>(c.T);
  plan.recorded_steps = record_plan(T, static_cast<uint64_t>(c.record_every), c.record_rounds);
  const vector x0 = Eigen::Map<const vector>(plan.x0.data(), static_cast<Eigen::Index>(plan.x0.size()));
  auto add = [&](const method_config& m, uint32_t N, bool single) {
    plan_entry e;
    e.method = m.name;
    e.N = N;
    e.reps = static_cast<uint32_t>(single ? c.speedup_repetitions : c.repetitions);
    e.first_run = plan.runs();
    e.single_worker = single;
    e.config = m;
    try {
      plan.f->check_workers(N);
      e.times = m.schedule.made(T, N);
      e.local = m.rule.made({plan.f, m.step_size.made, x0, N, T, schedules::rounds(e.times),
                           c.random.generator});
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
    add(default_method(c, single_worker_method, "one_shot"), 1, true);
  }
  for (const auto& m : c.methods)
    for (auto N : c.N)
      add(m, static_cast<uint32_t>(N), false);
  plan.batch_threads = layout_threads > 0 ? layout_threads : plan.threads;
  for (size_t e = 0; e < plan.entries.size(); ++e) {
    const auto reps = plan.entries[e].reps;
    const auto per_batch
      = repetitions_per_batch(c, reps, plan.entries.size(), plan.batch_threads);
    for (uint32_t first = 0; first < reps; first += per_batch)
      plan.batches.push_back({e, first, std::min(per_batch, reps - first)});
  }
  check_memory(plan); // before anything of length T (the records) is made
  return plan;
}

} // namespace lsgd
