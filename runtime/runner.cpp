#include "runtime/runner.hpp"

#include "actors/schedule.hpp"
#include "actors/worker.hpp"
#include "runtime/progress.hpp"
#include "runtime/system_config.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <map>

namespace lsgd {

namespace {

struct launcher_state {
  static inline const char* name = "lsgd.launcher";
  const run_plan* plan = nullptr;
  std::vector<std::shared_ptr<run_record>>* slots = nullptr;
  std::atomic<size_t>* completed = nullptr;
  std::string* failure = nullptr;
  size_t next = 0;
  size_t max_in_flight = 1;
  std::map<caf::actor_addr, size_t> in_flight; // server -> batch index
};

using launcher_ptr = caf::stateful_actor<launcher_state>*;

// Spawns the schedule, server and worker blocks of batch `index`.
void launch(launcher_ptr self, size_t index) {
  auto& st = self->state;
  const auto& plan = *st.plan;
  const auto& batch = plan.batches[index];
  const auto& entry = plan.entries[batch.entry];
  auto& sys = self->system();
  auto clock = sys.spawn(schedule, entry.times);
  server_spec ss{plan.f,       entry.local->initial_model(), entry.N, batch.reps,
                 plan.records, {},                            {},      nullptr};
  for (uint32_t r = 0; r < batch.reps; ++r)
    ss.out.push_back((*st.slots)[plan.run_index(batch.entry, batch.first_rep + r)]);
  auto srv = sys.spawn(server, std::move(ss), clock);
  const auto per_actor = plan.workers_per_actor(entry.N);
  for (uint32_t first = 0; first < entry.N; first += per_actor) {
    worker_spec ws{entry.local,  plan.config.seed,
                   batch.first_rep, batch.reps,
                   std::min(per_actor, entry.N - first), entry.N,
                   plan.f->dimension(), plan.records};
    sys.spawn(worker, std::move(ws), srv);
  }
  self->monitor(srv);
  st.in_flight.emplace(srv.address(), index);
}

void fill(launcher_ptr self) {
  auto& st = self->state;
  while (st.failure->empty() && st.next < st.plan->batches.size()
         && st.in_flight.size() < st.max_in_flight)
    launch(self, st.next++);
  if (st.in_flight.empty())
    self->quit();
}

caf::behavior launcher(launcher_ptr self, const run_plan* plan,
                       std::vector<std::shared_ptr<run_record>>* slots,
                       std::atomic<size_t>* completed, std::string* failure) {
  auto& st = self->state;
  st.plan = plan;
  st.slots = slots;
  st.completed = completed;
  st.failure = failure;
  st.max_in_flight = plan->config.runtime.max_concurrent_runs > 0
                       ? static_cast<size_t>(plan->config.runtime.max_concurrent_runs)
                       : 4 * size_t{plan->threads};
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    auto it = st.in_flight.find(msg.source);
    if (it == st.in_flight.end())
      return;
    const auto index = it->second;
    st.in_flight.erase(it);
    const auto& batch = st.plan->batches[index];
    const auto& first = (*st.slots)[st.plan->run_index(batch.entry, batch.first_rep)];
    if ((msg.reason || !first->complete) && st.failure->empty()) {
      const auto& entry = st.plan->entries[batch.entry];
      *st.failure = "run of method \"" + entry.method + "\", N = " + std::to_string(entry.N)
                    + ", repetitions " + std::to_string(batch.first_rep) + " .. "
                    + std::to_string(batch.first_rep + batch.reps - 1) + " failed: "
                    + (msg.reason ? self->system().render(msg.reason) : "incomplete");
      // Stop the others: their workers and schedules are linked to them.
      for (auto& [addr, _] : st.in_flight)
        self->send_exit(addr, caf::exit_reason::user_shutdown);
    }
    *st.completed += batch.reps;
    fill(self);
  });
  fill(self);
  return {[](caf::unit_t) {}};
}

} // namespace

execution_result execute(const run_plan& plan, bool show_progress) {
  caf::actor_system_config cfg;
  configure_system(cfg, plan.threads, false);
  caf::actor_system sys{cfg};

  std::vector<std::shared_ptr<run_record>> slots;
  for (size_t i = 0; i < plan.runs(); ++i)
    slots.push_back(std::make_shared<run_record>());
  std::atomic<size_t> completed{0};
  std::string failure;

  const auto started = std::chrono::steady_clock::now();
  progress_line progress(plan.runs(), show_progress);
  {
    auto boss = sys.spawn(launcher, &plan, &slots, &completed, &failure);
    caf::scoped_actor self{sys};
    self->monitor(boss);
    for (bool done = false; !done;) {
      self->receive([&](caf::down_msg&) { done = true; },
                    caf::after(std::chrono::milliseconds(250)) >>
                      [&] { progress.update(completed.load()); });
    }
  }
  sys.await_all_actors_done();
  progress.finish(completed.load());
  if (!failure.empty())
    throw run_error(failure);

  execution_result result;
  result.wall_seconds
    = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.records.reserve(slots.size());
  for (auto& s : slots)
    result.records.push_back(std::move(*s));
  return result;
}

} // namespace lsgd
