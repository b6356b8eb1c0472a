#include "actors/server.hpp"

#include "numerics/averaging.hpp"

#include <algorithm>

namespace lsgd {

namespace {

using self_ptr = server_actor::stateful_pointer<server_state>;
using Eigen::Index;

void fail(self_ptr self, const std::string& what) {
  self->quit(caf::make_error(caf::sec::runtime_error, "server: " + what));
}

void begin_epoch(self_ptr self, const epoch& e);

void ask_for_epoch(self_ptr self, uint32_t completed) {
  self->request(self->state.clock, caf::infinite, atom::next_v, completed)
    .then([self](const epoch& e) { begin_epoch(self, e); },
          [self](caf::error& err) { fail(self, "schedule: " + self->system().render(err)); });
}

void start_run(self_ptr self) {
  auto& st = self->state;
  std::sort(st.blocks.begin(), st.blocks.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  st.started = std::chrono::steady_clock::now();
  if (st.spec.started)
    *st.spec.started = true;
  st.averages = st.spec.initial_model.replicate(1, st.spec.reps);
  const double initial = error_of_average(*st.spec.f, st.spec.initial_model);
  for (auto& out : st.spec.out) {
    auto& rec = *out;
    rec = run_record{};
    rec.trajectory.assign(st.spec.records.steps().size(), 0.0);
    rec.trajectory[0] = initial;
    rec.round_steps = {0};
    rec.round_errors = {initial};
  }
  ask_for_epoch(self, 0);
}

// What one model of d doubles costs, counted per repetition: N of them go
// out at the start of a round and N come back at its end.
void count_transfers(server_state& st) {
  const auto bytes = sizeof(double) * static_cast<uint64_t>(st.models.rows());
  for (auto& out : st.spec.out) {
    auto& rec = *out;
    rec.messages += st.spec.workers;
    rec.bytes += uint64_t{st.spec.workers} * bytes;
  }
}

void begin_epoch(self_ptr self, const epoch& e) {
  auto& st = self->state;
  if (e.round != st.completed_rounds + 1
      || e.first_step != st.spec.out.front()->round_steps.back()
      || e.last_step <= e.first_step) {
    fail(self, "schedule sent an inconsistent epoch " + std::to_string(e.round));
    return;
  }
  st.current = e;
  st.traced_steps = st.spec.records.steps_in(e.first_step, e.last_step);
  st.traced = st.received = 0;
  st.traces_averaged = false;
  for (auto& b : st.blocks)
    b.traced = b.modeled = false;
  const auto averages = pack(st.averages);
  for (const auto& b : st.blocks)
    self->send(b.handle, e, averages);
  count_transfers(st);
}

// The registered block a message names, if it names one and the open round
// and this kind of message (`seen` selects which flag) did not come from it
// yet this round; otherwise fails the run and returns nullptr.
server_state::block* check_sender(self_ptr self, const char* what, bool server_state::block::*seen,
                                  uint32_t round, uint32_t first, uint32_t count) {
  auto& st = self->state;
  if (round != st.current.round) {
    fail(self, std::string(what) + " for round " + std::to_string(round) + " while round "
                 + std::to_string(st.current.round) + " is open");
    return nullptr;
  }
  auto it = std::find_if(st.blocks.begin(), st.blocks.end(), [&](const auto& b) {
    return b.first == first && b.count == count;
  });
  if (it == st.blocks.end()) {
    fail(self, std::string(what) + " from unregistered workers " + std::to_string(first)
                 + " + " + std::to_string(count));
    return nullptr;
  }
  if ((*it).*seen) {
    fail(self, std::string("a second ") + what + " of round " + std::to_string(round)
                 + " from workers " + std::to_string(first) + " + " + std::to_string(count));
    return nullptr;
  }
  (*it).*seen = true;
  return &*it;
}

// The errors of the virtual averages at the recorded steps of the round.
void record_traces(self_ptr self) {
  auto& st = self->state;
  const auto N = static_cast<Index>(st.spec.workers);
  const auto reps = static_cast<Index>(st.spec.reps);
  const auto steps = static_cast<Index>(st.traced_steps.size());
  if (steps == 0)
    return;
  if (!st.traces_averaged) {
    st.trace_means.resize(st.traces.rows(), steps * reps);
    average_column_groups(st.traces, N, st.trace_means);
  }
  st.errors.resize(static_cast<size_t>(steps * reps));
  st.spec.f->errors(st.trace_means, st.errors.data());
  for (Index s = 0; s < steps; ++s) {
    const auto k = st.spec.records.index_of(st.traced_steps[static_cast<size_t>(s)]);
    for (Index r = 0; r < reps; ++r)
      st.spec.out[static_cast<size_t>(r)]->trajectory[k]
        = st.errors[static_cast<size_t>(s * reps + r)];
  }
}

void finish(self_ptr self) {
  auto& st = self->state;
  const double wall
    = std::chrono::duration<double>(std::chrono::steady_clock::now() - st.started).count();
  for (auto& out : st.spec.out) {
    out->wall_seconds = wall / static_cast<double>(st.spec.out.size());
    out->complete = true;
  }
  for (const auto& b : st.blocks)
    self->send_exit(b.handle, caf::exit_reason::user_shutdown);
  self->send_exit(st.clock, caf::exit_reason::user_shutdown);
  self->quit();
}

void complete_round(self_ptr self) {
  auto& st = self->state;
  if (!st.traced_steps.empty() && st.traced != st.spec.workers) {
    fail(self, "round " + std::to_string(st.current.round) + " ended with traces from "
                 + std::to_string(st.traced) + " of " + std::to_string(st.spec.workers)
                 + " workers");
    return;
  }
  record_traces(self);
  average_column_groups(st.models, st.spec.workers, st.averages);
  st.errors.resize(static_cast<size_t>(st.averages.cols()));
  st.spec.f->errors(st.averages.topRows(st.spec.f->dimension()), st.errors.data());
  for (size_t r = 0; r < st.spec.out.size(); ++r) {
    st.spec.out[r]->round_steps.push_back(st.current.last_step);
    st.spec.out[r]->round_errors.push_back(st.errors[r]);
  }
  count_transfers(st);
  st.completed_rounds = st.current.round;
  if (st.current.round == st.current.rounds)
    finish(self);
  else
    ask_for_epoch(self, st.current.round);
}

void on_trace(self_ptr self, const trace& x) {
  auto& st = self->state;
  if (!check_sender(self, "trace", &server_state::block::traced, x.round, x.first_worker,
                    x.workers))
    return;
  if (x.steps != st.traced_steps) {
    fail(self, "trace of round " + std::to_string(x.round) + " has the wrong steps");
    return;
  }
  if (x.averaged && x.workers != st.spec.workers) {
    fail(self, "averaged trace from a block of " + std::to_string(x.workers) + " of "
                 + std::to_string(st.spec.workers) + " workers");
    return;
  }
  const auto d = st.spec.f->dimension();
  const auto k = static_cast<Index>(x.steps.size());
  const auto reps = static_cast<Index>(st.spec.reps);
  const auto count = static_cast<Index>(x.workers);
  auto& target = x.averaged ? st.trace_means : st.scratch;
  if (auto err = unpack(x.snapshots, d, k * reps * (x.averaged ? 1 : count), target)) {
    fail(self, "trace: " + *err);
    return;
  }
  if (!x.averaged) {
    const auto N = static_cast<Index>(st.spec.workers);
    if (st.traced == 0) // the first raw trace of the round sizes the buffer
      st.traces.resize(d, k * reps * N);
    for (Index c = 0; c < k * reps; ++c)
      st.traces.middleCols(c * N + x.first_worker, count)
        = st.scratch.middleCols(c * count, count);
  }
  st.traces_averaged = x.averaged;
  st.traced += x.workers;
}

void on_model(self_ptr self, const model& x) {
  auto& st = self->state;
  if (!check_sender(self, "model", &server_state::block::modeled, x.round, x.first_worker,
                    x.workers))
    return;
  const auto count = static_cast<Index>(x.workers);
  const auto N = static_cast<Index>(st.spec.workers);
  const auto reps = static_cast<Index>(st.spec.reps);
  const double* data = nullptr;
  if (auto err = view(x.values, st.models.rows(), count * reps, data)) {
    fail(self, "model: " + *err);
    return;
  }
  const param_view values(data, st.models.rows(), count * reps);
  for (Index r = 0; r < reps; ++r)
    st.models.middleCols(r * N + x.first_worker, count) = values.middleCols(r * count, count);
  st.received += x.workers;
  if (st.received == st.spec.workers)
    complete_round(self);
}

} // namespace

server_actor::behavior_type server(server_actor::stateful_pointer<server_state> self,
                                   server_spec spec, schedule_actor clock) {
  auto& st = self->state;
  st.spec = std::move(spec);
  st.clock = std::move(clock);
  st.models.resize(st.spec.initial_model.size(), Index{st.spec.reps} * st.spec.workers);
  self->link_to(st.clock);
  return {
    [self](atom::join, uint32_t count) -> caf::result<uint32_t> {
      auto& st = self->state;
      if (count < 1 || count > st.spec.workers - st.joined)
        return caf::make_error(caf::sec::invalid_argument,
                               "server: cannot add " + std::to_string(count)
                                 + " workers, " + std::to_string(st.spec.workers - st.joined)
                                 + " ids left");
      auto handle = caf::actor_cast<worker_actor>(self->current_sender());
      if (!handle)
        return caf::make_error(caf::sec::invalid_argument, "server: anonymous join");
      const auto first = st.joined;
      st.blocks.push_back({handle, first, count});
      st.joined += count;
      if (st.joined == st.spec.workers)
        start_run(self);
      return first;
    },
    [self](atom::describe) { return self->state.spec.description; },
    [self](const trace& x) { on_trace(self, x); },
    [self](const model& x) { on_model(self, x); },
  };
}

} // namespace lsgd
