#include "actors/server.hpp"

#include "numerics/averaging.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace lsgd {

namespace {

using self_ptr = server_actor::stateful_pointer<server_state>;
using block = server_state::block;
using Eigen::Index;

void fail(self_ptr self, const std::string& what) {
  self->state.finished = true;
  self->quit(caf::make_error(caf::sec::runtime_error, "server: " + what));
}

void log(self_ptr self, const std::string& line) {
  if (self->state.spec.log)
    self->state.spec.log(line);
  else
    std::fprintf(stderr, "localsgd: server: %s\n", line.c_str());
}

std::string ids(const block& b) {
  return "workers " + std::to_string(b.first) + ".." + std::to_string(b.first + b.count - 1);
}

double seconds_since(server_state::clock_type::time_point t) {
  return std::chrono::duration<double>(server_state::clock_type::now() - t).count();
}

void begin_epoch(self_ptr self, const epoch& e);
void complete_round(self_ptr self);

void ask_for_epoch(self_ptr self, uint32_t completed) {
  self->request(self->state.clock, caf::infinite, atom::next_v, completed)
    .then([self](const epoch& e) { begin_epoch(self, e); },
          [self](caf::error& err) { fail(self, "schedule: " + self->system().render(err)); });
}

// The block whose actor sent the current message, lost or not.
block* sender_block(self_ptr self) {
  const auto sender = self->current_sender();
  for (auto& b : self->state.blocks)
    if (sender && b.handle.address() == sender->address())
      return &b;
  return nullptr;
}

// Takes `b` out of the run: under the abort policy the run fails; else its
// ids are freed for a replacement (with fresh streams) and the open round
// goes on without it, unless its model already arrived.
void lose(self_ptr self, block& b, const std::string& why) {
  auto& st = self->state;
  if (st.finished || b.lost)
    return;
  if (!st.spec.faults.continue_on_loss) {
    fail(self, ids(b) + ": " + why);
    return;
  }
  b.lost = true;
  // If it is alive (late or broken), it stops instead of waiting for a run
  // that goes on without it.
  self->send_exit(b.handle, caf::make_error(caf::sec::runtime_error,
                                            "server: dropped " + ids(b) + ": " + why));
  const auto N = st.spec.workers;
  for (uint32_t w = b.first; w < b.first + b.count; ++w) {
    st.owner[w] = -1;
    ++st.incarnations[w];
    for (uint32_t r = 0; r < st.spec.reps; ++r)
      st.positions[size_t{r} * N + w] = 0;
  }
  uint32_t alive = 0;
  for (const auto& other : st.blocks)
    if (!other.lost)
      alive += other.count;
  log(self, "lost " + ids(b) + " (" + why + "); " + std::to_string(alive) + " of "
              + std::to_string(N) + " workers remain");
  if (!st.running || !b.active || b.modeled)
    return;
  b.active = false;
  st.expected -= b.count;
  if (st.expected == 0)
    fail(self, "every worker of round " + std::to_string(st.current.round) + " was lost");
  else if (st.received == st.expected)
    complete_round(self);
}

void start_run(self_ptr self) {
  auto& st = self->state;
  st.running = true;
  st.started = st.last_checkpoint = server_state::clock_type::now();
  if (st.spec.started)
    *st.spec.started = true;
  if (const auto& c = st.spec.resume) {
    st.averages = c->averages;
    st.positions = c->positions;
    st.incarnations = c->incarnations;
    st.completed_rounds = c->rounds_completed;
    for (size_t r = 0; r < st.spec.out.size(); ++r)
      *st.spec.out[r] = c->records[r];
    for (auto& b : st.blocks)
      b.needs_streams = true;
  } else {
    st.averages = st.spec.initial_model.replicate(1, st.spec.reps);
    const double initial = error_of_average(*st.spec.f, st.spec.initial_model);
    for (auto& out : st.spec.out) {
      auto& rec = *out;
      rec = run_record{};
      rec.trajectory.assign(st.spec.records.steps().size(), 0.0);
      rec.trajectory[0] = initial;
      rec.round_steps = {0};
      rec.round_errors = {initial};
      rec.round_workers = {st.spec.workers};
    }
  }
  ask_for_epoch(self, st.completed_rounds);
}

// What one model of d doubles costs, counted per repetition: `workers` of
// them go out at the start of a round and come back at its end.
void count_transfers(server_state& st, uint32_t workers) {
  const auto bytes = sizeof(double) * static_cast<uint64_t>(st.models.rows());
  for (auto& out : st.spec.out) {
    out->messages += workers;
    out->bytes += uint64_t{workers} * bytes;
  }
}

// How long round `e` may take: its steps at the slowest rate seen, with
// slack; with growing intervals no fixed timeout fits every round.
double deadline_seconds(const server_state& st, const epoch& e) {
  const auto& p = st.spec.faults;
  if (st.slowest_step <= 0)
    return std::max(p.deadline_floor, p.first_round_deadline);
  const auto steps = static_cast<double>(e.last_step - e.first_step);
  return std::max(p.deadline_floor, p.deadline_factor * steps * st.slowest_step);
}

void begin_epoch(self_ptr self, const epoch& given) {
  auto& st = self->state;
  if (st.finished)
    return;
  if (given.round != st.completed_rounds + 1
      || given.first_step != st.spec.out.front()->round_steps.back()
      || given.last_step <= given.first_step) {
    fail(self, "schedule sent an inconsistent epoch " + std::to_string(given.round));
    return;
  }
  st.current = given;
  st.current.report_streams
    = st.spec.save_checkpoint && given.round < given.rounds
      && seconds_since(st.last_checkpoint) >= st.spec.checkpoint_interval;
  st.traced_steps = st.spec.records.steps_in(given.first_step, given.last_step);
  st.expected = st.received = 0;
  st.traces_averaged = false;
  st.included.assign(st.spec.workers, false);
  st.traced_ids.assign(st.spec.workers, false);
  // One message for every block: CAF shares it instead of copying the
  // averages per recipient (8 MB each at d = 1e6).
  const auto start = caf::make_message(st.current, pack(st.averages));
  const auto N = st.spec.workers;
  for (auto& b : st.blocks) {
    b.traced = b.modeled = false;
    b.active = !b.lost;
    if (!b.active)
      continue;
    if (b.needs_streams) {
      stream_state s{b.first, b.count, {}, {}};
      for (uint32_t r = 0; r < st.spec.reps; ++r)
        for (uint32_t w = b.first; w < b.first + b.count; ++w)
          s.positions.push_back(st.positions[size_t{r} * N + w]);
      s.incarnations.assign(st.incarnations.begin() + b.first,
                            st.incarnations.begin() + b.first + b.count);
      caf::anon_send(b.handle, std::move(s)); // the same path as the epoch: in order
      b.needs_streams = false;
    }
    caf::anon_send(caf::actor_cast<caf::actor>(b.handle), start);
    st.expected += b.count;
  }
  if (st.expected == 0) {
    fail(self, "no workers left for round " + std::to_string(given.round));
    return;
  }
  count_transfers(st, st.expected);
  st.round_started = server_state::clock_type::now();
  const auto allowed = std::chrono::duration_cast<caf::timespan>(
    std::chrono::duration<double>(deadline_seconds(st, given)));
  st.deadline_at = st.round_started + allowed;
  self->delayed_send(self, allowed, atom::deadline_v, given.round);
}

// The errors of the virtual averages at the recorded steps of the round,
// over the workers whose models the round averages.
void record_traces(self_ptr self, bool everyone) {
  auto& st = self->state;
  const auto reps = static_cast<Index>(st.spec.reps);
  const auto steps = static_cast<Index>(st.traced_steps.size());
  if (steps == 0)
    return;
  if (!st.traces_averaged) {
    st.trace_means.resize(st.traces.rows(), steps * reps);
    if (everyone)
      average_column_groups(st.traces, st.spec.workers, st.trace_means);
    else
      average_column_groups_where(st.traces, st.included, st.trace_means);
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

server_checkpoint make_checkpoint(const server_state& st) {
  server_checkpoint c;
  c.rounds_completed = st.completed_rounds;
  c.averages = st.averages;
  c.positions = st.positions;
  c.incarnations = st.incarnations;
  for (const auto& out : st.spec.out)
    c.records.push_back(*out);
  return c;
}

bool save(self_ptr self) {
  auto& st = self->state;
  try {
    st.spec.save_checkpoint(make_checkpoint(st));
  } catch (const std::exception& e) {
    fail(self, std::string("checkpoint: ") + e.what());
    return false;
  }
  st.last_checkpoint = server_state::clock_type::now();
  st.saved_any = true;
  return true;
}

void finish(self_ptr self) {
  auto& st = self->state;
  const double wall = seconds_since(st.started);
  for (auto& out : st.spec.out) {
    out->wall_seconds += wall / static_cast<double>(st.spec.out.size());
    out->complete = true;
  }
  // A batch shorter than the interval leaves no checkpoint: a resumed run
  // computes it again (the same numbers) rather than every run writing all
  // its records twice.
  if (st.spec.save_checkpoint
      && (st.saved_any || st.spec.resume || wall >= st.spec.checkpoint_interval)
      && !save(self))
    return;
  st.finished = true;
  for (const auto& b : st.blocks)
    if (!b.lost)
      self->send_exit(b.handle, caf::exit_reason::user_shutdown);
  self->send_exit(st.clock, caf::exit_reason::user_shutdown);
  self->quit();
}

void complete_round(self_ptr self) {
  auto& st = self->state;
  const bool everyone = st.received == st.spec.workers;
  if (!st.traced_steps.empty() && !st.traces_averaged)
    for (uint32_t w = 0; w < st.spec.workers; ++w)
      if (st.included[w] && !st.traced_ids[w]) {
        fail(self, "round " + std::to_string(st.current.round) + " ended without a trace of worker "
                     + std::to_string(w));
        return;
      }
  record_traces(self, everyone);
  if (everyone)
    average_column_groups(st.models, st.spec.workers, st.averages);
  else
    average_column_groups_where(st.models, st.included, st.averages);
  st.errors.resize(static_cast<size_t>(st.averages.cols()));
  st.spec.f->errors(st.averages.topRows(st.spec.f->dimension()), st.errors.data());
  for (size_t r = 0; r < st.spec.out.size(); ++r) {
    auto& rec = *st.spec.out[r];
    rec.round_steps.push_back(st.current.last_step);
    rec.round_errors.push_back(st.errors[r]);
    rec.round_workers.push_back(st.received);
  }
  count_transfers(st, st.received);
  st.completed_rounds = st.current.round;
  const auto steps = static_cast<double>(st.current.last_step - st.current.first_step);
  st.slowest_step = std::max(st.slowest_step, seconds_since(st.round_started) / steps);
  if (st.current.round == st.current.rounds) {
    finish(self);
    return;
  }
  if (st.current.report_streams && !save(self))
    return;
  ask_for_epoch(self, st.current.round);
}

// The checks every model and trace passes before it is used. Returns the
// sending block if the message is to be used; logs and drops it, or loses
// the block that sent it, otherwise.
block* admit(self_ptr self, const char* what, bool block::*seen, uint32_t round,
             uint32_t first, uint32_t count) {
  auto& st = self->state;
  auto* b = sender_block(self);
  if (!b) {
    log(self, std::string("dropped a ") + what + " from an actor that is not a registered worker");
    return nullptr;
  }
  if (b->lost) {
    log(self, std::string("dropped a ") + what + " from lost " + ids(*b));
    return nullptr;
  }
  if (!st.running || st.finished || round != st.current.round || !b->active) {
    log(self, std::string("dropped a ") + what + " of round " + std::to_string(round) + " from "
                + ids(*b) + ": that round is not open to them");
    return nullptr;
  }
  if (first != b->first || count != b->count) {
    lose(self, *b, std::string("sent a ") + what + " for workers " + std::to_string(first) + " + "
                     + std::to_string(count) + ", not theirs");
    return nullptr;
  }
  if ((*b).*seen) {
    log(self, std::string("dropped a second ") + what + " of round " + std::to_string(round)
                + " from " + ids(*b));
    return nullptr;
  }
  return b;
}

bool all_finite(const param_bytes& p) {
  const double* data = reinterpret_cast<const double*>(p.bytes.data());
  for (size_t i = 0; i < p.size(); ++i)
    if (!std::isfinite(data[i]))
      return false;
  return true;
}

void on_trace(self_ptr self, const trace& x) {
  auto& st = self->state;
  auto* b = admit(self, "trace", &block::traced, x.round, x.first_worker, x.workers);
  if (!b)
    return;
  const auto round = std::to_string(x.round);
  if (x.steps != st.traced_steps) {
    lose(self, *b, "sent a trace of round " + round + " with the wrong steps");
    return;
  }
  if (x.averaged && x.workers != st.spec.workers) {
    lose(self, *b, "sent an averaged trace but hosts only " + std::to_string(x.workers) + " of "
                     + std::to_string(st.spec.workers) + " workers");
    return;
  }
  const auto d = st.spec.f->dimension();
  const auto k = static_cast<Index>(x.steps.size());
  const auto reps = static_cast<Index>(st.spec.reps);
  const auto count = static_cast<Index>(x.workers);
  auto& target = x.averaged ? st.trace_means : st.scratch;
  if (auto err = unpack(x.snapshots, d, k * reps * (x.averaged ? 1 : count), target)) {
    lose(self, *b, "sent a trace of round " + round + " that does not fit: " + *err);
    return;
  }
  if (!all_finite(x.snapshots)) {
    lose(self, *b, "sent a trace of round " + round + " with NaN or Inf");
    return;
  }
  if (!x.averaged) {
    const auto N = static_cast<Index>(st.spec.workers);
    if (st.traces.cols() != k * reps * N)
      st.traces.resize(d, k * reps * N);
    for (Index c = 0; c < k * reps; ++c)
      st.traces.middleCols(c * N + x.first_worker, count)
        = st.scratch.middleCols(c * count, count);
  }
  st.traces_averaged = x.averaged;
  b->traced = true;
  for (uint32_t w = b->first; w < b->first + b->count; ++w)
    st.traced_ids[w] = true;
}

void on_model(self_ptr self, const model& x) {
  auto& st = self->state;
  auto* b = admit(self, "model", &block::modeled, x.round, x.first_worker, x.workers);
  if (!b)
    return;
  const auto round = std::to_string(x.round);
  const auto count = static_cast<Index>(x.workers);
  const auto N = static_cast<Index>(st.spec.workers);
  const auto reps = static_cast<Index>(st.spec.reps);
  const double* data = nullptr;
  if (auto err = view(x.values, st.models.rows(), count * reps, data)) {
    lose(self, *b, "sent a model of round " + round + " that does not fit: " + *err);
    return;
  }
  if (!all_finite(x.values)) {
    lose(self, *b, "sent a model of round " + round + " with NaN or Inf");
    return;
  }
  if (st.current.report_streams) {
    if (x.positions.size() != static_cast<size_t>(count * reps)) {
      lose(self, *b, "sent " + std::to_string(x.positions.size())
                       + " stream positions with its model of round " + round);
      return;
    }
    for (Index r = 0; r < reps; ++r)
      for (Index w = 0; w < count; ++w)
        st.positions[static_cast<size_t>(r * N + x.first_worker + w)]
          = x.positions[static_cast<size_t>(r * count + w)];
  }
  const param_view values(data, st.models.rows(), count * reps);
  for (Index r = 0; r < reps; ++r)
    st.models.middleCols(r * N + x.first_worker, count) = values.middleCols(r * count, count);
  b->modeled = true;
  for (uint32_t w = b->first; w < b->first + b->count; ++w)
    st.included[w] = true;
  st.received += x.workers;
  if (st.received == st.expected)
    complete_round(self);
}

// The blocks still owing round `round` are lost once its deadline passed.
void on_deadline(self_ptr self, uint32_t round) {
  auto& st = self->state;
  const auto sender = self->current_sender();
  if (!sender || sender->address() != self->address()) {
    log(self, "dropped a deadline message that the server did not send itself");
    return;
  }
  if (st.finished || !st.running || round != st.current.round
      || st.completed_rounds >= round || server_state::clock_type::now() < st.deadline_at)
    return;
  const double allowed
    = std::chrono::duration<double>(st.deadline_at - st.round_started).count();
  std::vector<size_t> late;
  for (size_t i = 0; i < st.blocks.size(); ++i)
    if (st.blocks[i].active && !st.blocks[i].modeled)
      late.push_back(i);
  char text[96];
  std::snprintf(text, sizeof text, "missed the deadline of round %u (%.3g s)", round, allowed);
  for (auto i : late)
    if (!st.finished && st.completed_rounds < round)
      lose(self, st.blocks[i], text);
}

// Worker ids are handed out lowest free first, in consecutive runs: at the
// start in order of joining, later to replacements of lost workers.
caf::result<uint32_t> on_join(self_ptr self, uint32_t count) {
  auto& st = self->state;
  const auto N = st.spec.workers;
  uint32_t first = 0;
  while (first < N && st.owner[first] >= 0)
    ++first;
  uint32_t free_run = 0;
  while (first + free_run < N && st.owner[first + free_run] < 0)
    ++free_run;
  if (st.finished || count < 1 || count > free_run)
    return caf::make_error(caf::sec::invalid_argument,
                           "server: cannot add " + std::to_string(count) + " workers, "
                             + std::to_string(free_run) + " consecutive ids free");
  auto handle = caf::actor_cast<worker_actor>(self->current_sender());
  if (!handle)
    return caf::make_error(caf::sec::invalid_argument, "server: anonymous join");
  const auto index = static_cast<int>(st.blocks.size());
  st.blocks.push_back({handle, first, count});
  for (uint32_t w = first; w < first + count; ++w)
    st.owner[w] = index;
  self->monitor(handle);
  if (st.running) {
    st.blocks.back().needs_streams = true;
    log(self, "workers " + std::to_string(first) + ".." + std::to_string(first + count - 1)
                + " replaced; they take part from round "
                + std::to_string(st.current.round + 1));
  } else if (std::all_of(st.owner.begin(), st.owner.end(), [](int o) { return o >= 0; })) {
    start_run(self);
  }
  return first;
}

} // namespace

server_actor::behavior_type server(server_actor::stateful_pointer<server_state> self,
                                   server_spec spec, schedule_actor clock) {
  auto& st = self->state;
  st.spec = std::move(spec);
  st.clock = std::move(clock);
  const auto N = st.spec.workers;
  st.models.resize(st.spec.initial_model.size(), Index{st.spec.reps} * N);
  st.owner.assign(N, -1);
  st.incarnations.assign(N, 0);
  st.positions.assign(size_t{st.spec.reps} * N, 0);
  self->link_to(st.clock);
  self->set_down_handler([self](caf::down_msg& msg) {
    for (auto& b : self->state.blocks)
      if (!b.lost && b.handle.address() == msg.source) {
        const auto why = msg.reason == caf::exit_reason::remote_link_unreachable
                           ? std::string("lost the connection to their node")
                           : "went down: " + self->system().render(msg.reason);
        lose(self, b, why);
        return;
      }
  });
  // Anything outside the protocol is logged and dropped, never fatal.
  self->set_default_handler([self](caf::scheduled_actor*, caf::message_view& x) {
    auto text = to_string(x.content());
    if (text.size() > 80)
      text = text.substr(0, 80) + "...";
    log(self, "dropped an unexpected message " + text);
    return caf::result<caf::message>{caf::sec::unexpected_message};
  });
  return {
    [self](atom::join, uint32_t count) { return on_join(self, count); },
    [self](atom::describe) { return self->state.spec.description; },
    [self](const trace& x) { on_trace(self, x); },
    [self](const model& x) { on_model(self, x); },
    [self](atom::deadline, uint32_t round) { on_deadline(self, round); },
  };
}

} // namespace lsgd
