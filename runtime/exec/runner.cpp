#include "runtime/exec/runner.hpp"

#include "actors/reports.hpp"
#include "actors/schedule.hpp"
#include "actors/worker.hpp"
#include "runtime/exec/progress.hpp"
#include "runtime/plan/fault_plan.hpp"
#include "runtime/exec/system_config.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <map>
#include <optional>

namespace lsgd {

namespace {

// A batch whose server runs; its records once the server reported them.
struct in_flight_batch {
  size_t index = 0;
  std::optional<std::vector<run_record>> records;
};

struct launcher_state {
  static inline const char* name = "lsgd.launcher";
  const run_plan* plan = nullptr; // read only; outlives the actor system
  checkpointing ck;
  caf::actor waiter;              // gets progress and the result
  std::vector<run_record> records; // per run, at plan.run_index(entry, rep)
  size_t completed = 0;           // runs finished
  std::string failure;
  run_errc failure_code = run_errc::incomplete;
  size_t next = 0;
  size_t max_in_flight = 1;
  std::map<caf::actor_addr, in_flight_batch> in_flight; // by server
};

using launcher_ptr = caf::stateful_actor<launcher_state>*;

void take(launcher_ptr self, size_t index, std::vector<run_record> records) {
  auto& st = self->state;
  const auto& batch = st.plan->batches[index];
  for (uint32_t r = 0; r < batch.reps; ++r)
    st.records[st.plan->run_index(batch.entry, batch.first_rep + r)] = std::move(records[r]);
}

// Spawns the schedule, server and worker blocks of batch `index`; or, when
// resuming and its checkpoint holds the finished batch, just takes its
// records.
void launch(launcher_ptr self, size_t index) {
  auto& st = self->state;
  const auto& plan = *st.plan;
  const auto& batch = plan.batches[index];
  std::shared_ptr<const server_checkpoint> resume;
  if (st.ck.resume && st.ck.store) {
    if (auto c = st.ck.store->load(index, identity_in(plan, index))) {
      if (c->records.front().complete) {
        take(self, index, std::move(c->records));
        st.completed += batch.reps;
        return;
      }
      resume = std::make_shared<const server_checkpoint>(std::move(*c));
    }
  }
  auto srv = spawn_batch(self->system(), plan, index,
                         make_server_spec(plan, index, caf::actor_cast<caf::actor>(self),
                                          st.ck, resume));
  self->monitor(srv);
  st.in_flight.emplace(srv.address(), in_flight_batch{index, {}});
}

// Launches batches while there is room; once none is left and none runs,
// hands the result (or the failure) to the waiter and quits.
void fill(launcher_ptr self) {
  auto& st = self->state;
  while (st.failure.empty() && st.next < st.plan->batches.size()
         && st.in_flight.size() < st.max_in_flight) {
    const auto index = st.next++;
    try {
      launch(self, index);
    } catch (const checkpoint_error& e) {
      st.failure = e.what();
      st.failure_code = run_errc::bad_checkpoint;
    }
  }
  if (!st.in_flight.empty())
    return;
  // On failure too: the batches that completed can still be reported.
  self->send(st.waiter, execution_result{std::move(st.records), 0});
  if (!st.failure.empty()) {
    self->quit(caf::make_error(st.failure_code, st.failure));
    return;
  }
  self->quit();
}

// A server ended: take its records, and fail the plan (stopping the others)
// unless it completed.
void on_server_down(launcher_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  auto it = st.in_flight.find(msg.source);
  if (it == st.in_flight.end())
    return;
  auto done = std::move(it->second);
  st.in_flight.erase(it);
  const auto& batch = st.plan->batches[done.index];
  const bool complete = done.records && !done.records->empty() && done.records->front().complete;
  if ((msg.reason || !complete) && st.failure.empty()) {
    const auto& entry = st.plan->entries[batch.entry];
    st.failure = "run of method \"" + entry.method + "\", N = " + std::to_string(entry.N)
                 + ", repetitions " + std::to_string(batch.first_rep) + " .. "
                 + std::to_string(batch.first_rep + batch.reps - 1) + " failed: "
                 + (msg.reason ? error_text(self->system(), msg.reason) : "incomplete");
    st.failure_code = run_errc_of(msg.reason).value_or(run_errc::incomplete);
    // Stop the others: their schedules are linked to them, and their
    // workers monitor them.
    for (auto& [addr, _] : st.in_flight)
      self->send_exit(addr, caf::exit_reason::user_shutdown);
  }
  // Complete or not: a failed run reports what its batches completed.
  if (done.records && done.records->size() == batch.reps)
    take(self, done.index, std::move(*done.records));
  st.completed += batch.reps;
  self->send(st.waiter, atom::progress_v, st.completed);
  fill(self);
}

caf::behavior launcher(launcher_ptr self, const run_plan* plan, checkpointing ck,
                       caf::actor waiter) {
  auto& st = self->state;
  st.plan = plan;
  st.ck = ck;
  st.waiter = std::move(waiter);
  st.records.resize(plan->runs());
  st.max_in_flight = plan->config.runtime.max_concurrent_runs > 0
                       ? static_cast<size_t>(plan->config.runtime.max_concurrent_runs)
                       : 4 * size_t{plan->threads};
  self->set_down_handler([self](caf::down_msg& msg) { on_server_down(self, msg); });
  fill(self);
  return {
    // A server's records; the batch counts once its server is down.
    [self](batch_report& report) {
      auto it = self->state.in_flight.find(caf::actor_cast<caf::actor_addr>(self->current_sender()));
      if (it != self->state.in_flight.end())
        it->second.records = std::move(report.records);
    },
  };
}

} // namespace

worker_spec block_spec(const run_plan& plan, size_t index, uint32_t count) {
  const auto& batch = plan.batches[index];
  const auto& entry = plan.entries[batch.entry];
  return {entry.local, plan.config.seed, batch.first_rep, batch.reps, count, entry.N,
          plan.f->dimension(), plan.recorded_steps};
}

std::string error_text(caf::actor_system& sys, const caf::error& e) {
  const auto& context = e.context();
  if (context.match_elements<std::string>())
    return context.get_as<std::string>(0);
  return sys.render(e);
}

void use_cluster_reduction(server_spec& s, const run_plan& plan) {
  s.chain = plan.config.reduction.chain;
  s.relay_averages = s.chain;
  s.chain_chunk_bytes = static_cast<size_t>(plan.config.reduction.chunk_kb) * 1024;
}

server_spec make_server_spec(const run_plan& plan, size_t index, caf::actor report_to,
                             const checkpointing& ck,
                             std::shared_ptr<const server_checkpoint> resume) {
  const auto& batch = plan.batches[index];
  const auto& entry = plan.entries[batch.entry];
  server_spec s;
  s.f = plan.f;
  s.initial_model = entry.local->initial_model();
  s.workers = entry.N;
  s.reps = batch.reps;
  s.recorded_steps = plan.recorded_steps;
  s.report_to = std::move(report_to);
  s.faults = plan.config.faults;
  s.trace_chunk_bytes = static_cast<size_t>(plan.config.runtime.trace_chunk_mb * 1e6);
  if (ck.store) {
    const auto* store = ck.store;
    s.save_checkpoint = [store, index, id = identity_in(plan, index)](
                          const server_checkpoint& c) { store->save(index, id, c); };
    s.checkpoint_interval = ck.interval;
  }
  s.resume = std::move(resume);
  if (plan.config.inject.enabled) {
    // Batches with injected faults are short simulations: they are not
    // checkpointed (a checkpoint does not hold which ids are out), a resumed
    // run computes them again.
    s.save_checkpoint = nullptr;
    s.resume = nullptr;
    s.injected = fault_timeline_of(plan, batch.entry, batch.first_rep).events;
    // The [faults] deadlines then hold in simulated seconds (the stragglers);
    // on the wall clock of this process a deadline would lose workers by
    // chance of scheduling, so it is out of reach.
    s.faults.deadline_floor = s.faults.first_round_deadline = 1e9;
    s.spawn_replacement = [ws = block_spec(plan, index, 1)](server_actor srv) {
      srv.home_system().spawn(worker, ws, srv);
    };
    // A line per simulated loss would flood the terminal; rounds.csv's
    // `workers` column and summary.json say what the losses did.
    s.log = [](const std::string&) {};
  }
  return s;
}

server_actor spawn_batch(caf::actor_system& sys, const run_plan& plan, size_t index,
                         server_spec spec) {
  const auto& batch = plan.batches[index];
  const auto& entry = plan.entries[batch.entry];
  auto srv = sys.spawn(server, std::move(spec), sys.spawn(schedule, entry.times));
  const auto per_actor = plan.workers_per_actor(entry.N);
  for (uint32_t first = 0; first < entry.N; first += per_actor)
    sys.spawn(worker, block_spec(plan, index, std::min(per_actor, entry.N - first)), srv);
  return srv;
}

execution_result execute(const run_plan& plan, bool show_progress, const checkpointing& ck) {
  caf::actor_system_config cfg;
  configure_system(cfg, plan.threads);
  caf::actor_system sys{cfg};

  const auto started = std::chrono::steady_clock::now();
  progress_line progress(plan.runs(), show_progress);
  size_t completed = 0;
  execution_result result;
  caf::error failure;
  {
    caf::scoped_actor self{sys};
    auto boss = sys.spawn(launcher, &plan, ck, caf::actor{self});
    self->monitor(boss);
    for (bool done = false; !done;)
      self->receive(
        [&](atom::progress, size_t n) {
          completed = n;
          progress.update(n);
        },
        [&](execution_result& r) { result = std::move(r); },
        [&](caf::down_msg& d) {
          failure = std::move(d.reason);
          done = true;
        });
  }
  sys.await_all_actors_done();
  progress.finish(completed);
  if (failure)
    throw run_error(run_errc_of(failure).value_or(run_errc::incomplete), error_text(sys, failure),
                    std::move(result));
  result.wall_seconds
    = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

} // namespace lsgd
