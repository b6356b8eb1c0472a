#include "actors/server.hpp"

#include "numerics/averaging.hpp"

#include <algorithm>

namespace lsgd {

namespace {

using self_ptr = server_actor::stateful_pointer<server_state>;

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
  st.average = st.spec.initial_model;
  const double initial = error_of_average(*st.spec.f, st.average);
  st.record.trajectory.assign(st.spec.records.steps().size(), 0.0);
  st.record.trajectory[0] = initial;
  st.record.round_steps = {0};
  st.record.round_errors = {initial};
  ask_for_epoch(self, 0);
}

void begin_epoch(self_ptr self, const epoch& e) {
  auto& st = self->state;
  const auto expected_round = static_cast<uint32_t>(st.record.round_errors.size());
  if (e.round != expected_round || e.first_step != st.record.round_steps.back()
      || e.last_step <= e.first_step) {
    fail(self, "schedule sent an inconsistent epoch " + std::to_string(e.round));
    return;
  }
  st.current = e;
  st.traced_steps = st.spec.records.steps_in(e.first_step, e.last_step);
  st.traces.resize(st.spec.f->dimension(),
                   static_cast<Eigen::Index>(st.spec.workers * st.traced_steps.size()));
  st.traced = st.received = 0;
  for (auto& b : st.blocks)
    b.traced = b.modeled = false;
  const auto average = pack(st.average);
  for (const auto& b : st.blocks)
    self->send(b.handle, e, average);
  st.record.messages += st.spec.workers;
  st.record.bytes += uint64_t{st.spec.workers} * average.bytes.size();
}

// The registered block a message names, if it names one and the open round;
// otherwise fails the run and returns nullptr.
server_state::block* check_sender(self_ptr self, const char* what, uint32_t round,
                                  uint32_t first, uint32_t count) {
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
  return &*it;
}

void record_traces(self_ptr self) {
  auto& st = self->state;
  const auto N = static_cast<Eigen::Index>(st.spec.workers);
  Eigen::VectorXd xbar;
  for (size_t s = 0; s < st.traced_steps.size(); ++s) {
    average_columns(st.traces.middleCols(static_cast<Eigen::Index>(s) * N, N), xbar);
    st.record.trajectory[st.spec.records.index_of(st.traced_steps[s])]
      = error_of_average(*st.spec.f, xbar);
  }
}

void finish(self_ptr self) {
  auto& st = self->state;
  st.record.wall_seconds
    = std::chrono::duration<double>(std::chrono::steady_clock::now() - st.started).count();
  st.record.complete = true;
  *st.spec.out = std::move(st.record);
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
  average_columns(st.models, st.average);
  st.record.round_steps.push_back(st.current.last_step);
  st.record.round_errors.push_back(error_of_average(*st.spec.f, st.average));
  st.record.messages += st.spec.workers;
  st.record.bytes += uint64_t{st.spec.workers} * sizeof(double)
                     * static_cast<uint64_t>(st.models.rows());
  if (st.current.round == st.current.rounds)
    finish(self);
  else
    ask_for_epoch(self, st.current.round);
}

} // namespace

server_actor::behavior_type server(server_actor::stateful_pointer<server_state> self,
                                   server_spec spec, schedule_actor clock) {
  auto& st = self->state;
  st.spec = std::move(spec);
  st.clock = std::move(clock);
  st.models.resize(st.spec.initial_model.size(), st.spec.workers);
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
    [self](trace& x) {
      auto& st = self->state;
      auto b = check_sender(self, "trace", x.round, x.first_worker, x.workers);
      if (!b)
        return;
      if (b->traced) {
        fail(self, "a second trace of round " + std::to_string(x.round) + " from workers "
                     + std::to_string(x.first_worker) + " + " + std::to_string(x.workers));
        return;
      }
      if (x.steps != st.traced_steps) {
        fail(self, "trace of round " + std::to_string(x.round) + " has the wrong steps");
        return;
      }
      const auto d = st.spec.f->dimension();
      const auto k = static_cast<Eigen::Index>(x.steps.size());
      if (auto err = unpack(x.snapshots, d, x.workers * k, st.scratch)) {
        fail(self, "trace: " + *err);
        return;
      }
      const auto N = static_cast<Eigen::Index>(st.spec.workers);
      for (Eigen::Index s = 0; s < k; ++s)
        st.traces.middleCols(s * N + x.first_worker, x.workers)
          = st.scratch.middleCols(s * x.workers, x.workers);
      b->traced = true;
      st.traced += x.workers;
    },
    [self](model& x) {
      auto& st = self->state;
      auto b = check_sender(self, "model", x.round, x.first_worker, x.workers);
      if (!b)
        return;
      if (b->modeled) {
        fail(self, "a second model of round " + std::to_string(x.round) + " from workers "
                     + std::to_string(x.first_worker) + " + " + std::to_string(x.workers));
        return;
      }
      if (auto err = unpack_columns(x.values, st.models, x.first_worker, x.workers)) {
        fail(self, "model: " + *err);
        return;
      }
      b->modeled = true;
      st.received += x.workers;
      if (st.received == st.spec.workers)
        complete_round(self);
    },
  };
}

} // namespace lsgd
