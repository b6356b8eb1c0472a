#include "runtime/exec/runner.hpp"

#include "actors/schedule.hpp"
#include "actors/worker.hpp"
#include "runtime/exec/progress.hpp"
#include "runtime/exec/system_config.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <chrono>
#include <map>

namespace lsgd {

namespace {

struct launcher_state {
  static inline const char* name = "lsgd.launcher";
  const run_plan* plan = nullptr;
  checkpointing ck;
  std::vector<std::shared_ptr<run_record>>* slots = nullptr;
  std::atomic<size_t>* completed = nullptr;
  std::string* failure = nullptr;
  size_t next = 0;
  size_t max_in_flight = 1;
  std::map<caf::actor_addr, size_t> in_flight; // server -> batch index
};

using launcher_ptr = caf::stateful_actor<launcher_state>*;

// Spawns the schedule, server and worker blocks of batch `index`; or, when
// resuming and its checkpoint holds the finished batch, just takes its
// records.
void launch(launcher_ptr self, size_t index) {
  auto& st = self->state;
  const auto& plan = *st.plan;
  const auto& batch = plan.batches[index];
  std::vector<std::shared_ptr<run_record>> out;
  for (uint32_t r = 0; r < batch.reps; ++r)
    out.push_back((*st.slots)[plan.run_index(batch.entry, batch.first_rep + r)]);
  std::shared_ptr<const server_checkpoint> resume;
  if (st.ck.resume && st.ck.store) {
    if (auto c = st.ck.store->load(index, identity_of(plan, index))) {
      if (c->records.front().complete) {
        for (uint32_t r = 0; r < batch.reps; ++r)
          *out[r] = c->records[r];
        *st.completed += batch.reps;
        return;
      }
      resume = std::make_shared<const server_checkpoint>(std::move(*c));
    }
  }
  auto srv = spawn_batch(self->system(), plan, index,
                         make_server_spec(plan, index, std::move(out), st.ck, resume));
  self->monitor(srv);
  st.in_flight.emplace(srv.address(), index);
}

void fill(launcher_ptr self) {
  auto& st = self->state;
  while (st.failure->empty() && st.next < st.plan->batches.size()
         && st.in_flight.size() < st.max_in_flight) {
    const auto index = st.next++;
    try {
      launch(self, index);
    } catch (const checkpoint_error& e) {
      *st.failure = e.what();
    }
  }
  if (st.in_flight.empty())
    self->quit();
}

caf::behavior launcher(launcher_ptr self, const run_plan* plan, checkpointing ck,
                       std::vector<std::shared_ptr<run_record>>* slots,
                       std::atomic<size_t>* completed, std::string* failure) {
  auto& st = self->state;
  st.plan = plan;
  st.ck = ck;
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
                    + (msg.reason ? error_text(self->system(), msg.reason) : "incomplete");
      // Stop the others: their schedules are linked to them, and their
      // workers monitor them.
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

std::string error_text(caf::actor_system& sys, const caf::error& e) {
  const auto& context = e.context();
  if (context.match_elements<std::string>())
    return context.get_as<std::string>(0);
  return sys.render(e);
}

batch_identity identity_of(const run_plan& plan, size_t index) {
  const auto& batch = plan.batches[index];
  const auto& entry = plan.entries[batch.entry];
  return {entry.method, entry.N, batch.first_rep, batch.reps,
          static_cast<uint64_t>(entry.local->model_size())};
}

server_spec make_server_spec(const run_plan& plan, size_t index,
                             std::vector<std::shared_ptr<run_record>> out,
                             const checkpointing& ck,
                             std::shared_ptr<const server_checkpoint> resume) {
  const auto& batch = plan.batches[index];
  const auto& entry = plan.entries[batch.entry];
  server_spec s;
  s.f = plan.f;
  s.initial_model = entry.local->initial_model();
  s.workers = entry.N;
  s.reps = batch.reps;
  s.records = plan.records;
  s.out = std::move(out);
  s.faults = plan.config.faults;
  if (ck.store) {
    const auto* store = ck.store;
    s.save_checkpoint = [store, index, id = identity_of(plan, index)](
                          const server_checkpoint& c) { store->save(index, id, c); };
    s.checkpoint_interval = ck.interval;
  }
  s.resume = std::move(resume);
  return s;
}

server_actor spawn_batch(caf::actor_system& sys, const run_plan& plan, size_t index,
                         server_spec spec) {
  const auto& batch = plan.batches[index];
  const auto& entry = plan.entries[batch.entry];
  auto clock = sys.spawn(schedule, entry.times);
  auto srv = sys.spawn(server, std::move(spec), clock);
  const auto per_actor = plan.workers_per_actor(entry.N);
  for (uint32_t first = 0; first < entry.N; first += per_actor) {
    worker_spec ws{entry.local,  plan.config.seed,
                   batch.first_rep, batch.reps,
                   std::min(per_actor, entry.N - first), entry.N,
                   plan.f->dimension(), plan.records};
    sys.spawn(worker, std::move(ws), srv);
  }
  return srv;
}

execution_result execute(const run_plan& plan, bool show_progress, const checkpointing& ck) {
  caf::actor_system_config cfg;
  configure_system(cfg, plan.threads);
  caf::actor_system sys{cfg};

  std::vector<std::shared_ptr<run_record>> slots;
  for (size_t i = 0; i < plan.runs(); ++i)
    slots.push_back(std::make_shared<run_record>());
  std::atomic<size_t> completed{0};
  std::string failure;

  const auto started = std::chrono::steady_clock::now();
  progress_line progress(plan.runs(), show_progress);
  {
    auto boss = sys.spawn(launcher, &plan, ck, &slots, &completed, &failure);
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
