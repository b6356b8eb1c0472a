// The server actor's behaviour: messaging and checks; the bookkeeping is in
// membership, round_tracker and checkpoint_timer.
//
// NaN or Inf in a model or trace of the right size and ids is not taken for
// an attack but for divergence: a too-large step size makes the run's own
// arithmetic overflow, and a worker in another process computes the same
// numbers from the same streams. Only the repetitions whose columns hold such
// values are marked diverged (the average is per repetition, so the others
// never see them); they go on with their non-finite state and their errors
// are recorded as NaN. A hostile worker could send finite garbage just as
// well, so refusing non-finite values never protected anything.
#include "actors/server.hpp"

#include "actors/reports.hpp"
#include "actors/run_errc.hpp"
#include "numerics/averaging.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <utility>

namespace lsgd {

namespace {

using self_ptr = server_actor::stateful_pointer<server_state>;
using block = membership::block;
using Eigen::Index;

// The records with the batch's rounds so far, which they share.
void share_rounds(const server_state& st, std::vector<run_record>& records) {
  for (auto& rec : records)
    rec.rounds = st.rounds;
}

// The batch's rounds, to be extended: copied first while a checkpoint or
// report holds them, since a record's rounds never change.
batch_rounds& own_rounds(server_state& st, size_t capacity) {
  if (st.rounds.use_count() > 1)
    st.rounds = std::make_shared<batch_rounds>(*st.rounds);
  st.rounds->steps.reserve(capacity);
  st.rounds->workers.reserve(capacity);
  return *st.rounds;
}

// Whoever launched the server gets the records as they stand, from the
// server (a typed actor may not send() to an untyped one: send_as does).
// The server ends right after (finished): the records go with the report
// instead of being copied, which was a batch's largest allocation.
void report(self_ptr self) {
  auto& st = self->state;
  if (st.spec.report_to) {
    share_rounds(st, st.records);
    caf::send_as(caf::actor_cast<caf::actor>(self), st.spec.report_to,
                 batch_report{std::move(st.records)});
  }
}

// Ends the batch with `code`; `text` is the sentence for the user.
void fail_with(self_ptr self, run_errc code, const std::string& text) {
  self->state.finished = true;
  report(self);
  self->quit(caf::make_error(code, text));
}

void fail(self_ptr self, run_errc code, const std::string& what) {
  fail_with(self, code, "server: " + what);
}

caf::actor_clock::time_point now(self_ptr self) {
  return self->clock().now();
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

void begin_epoch(self_ptr self, const epoch& e);
void complete_round(self_ptr self);
void reduce_traces(self_ptr self);

// A chain round that lost a block goes to the star: the running sums that
// passed through the lost block are gone, so every block still taking part
// sends its models, and the round ends as a star round that lost that block.
void fall_back(self_ptr self) {
  auto& st = self->state;
  if (!st.chain.on())
    return;
  st.chain.fall_back();
  // The traces too, from the first chunk the chain did not bring.
  const auto from = static_cast<uint32_t>(st.traces.chained() ? st.traces.to_star() : 0);
  log(self, "round " + std::to_string(st.current.round)
              + ": the chain lost a block or a link; this round goes by the star");
  for (size_t i = 0; i < st.peers.size(); ++i)
    if (st.peers[i].active && !st.members.blocks()[i].lost)
      caf::anon_send(st.peers[i].handle, atom::fallback_v, st.current.round, from);
  if (st.relay_order.empty())
    return;
  // The relayed averages may have stopped at the lost block: every block not
  // ready gets them directly (one that started already ignores them).
  const auto start = caf::make_message(st.current, pack(st.averages));
  for (auto i : st.relay_order)
    if (st.peers[i].active && !st.members.blocks()[i].lost
        && !st.chain.is_ready(st.members.blocks()[i].first))
      caf::anon_send(caf::actor_cast<caf::actor>(st.peers[i].handle), start);
  st.relay_order.clear();
}

// A relayed round: the averages in row chunks to the first block of the chain.
void send_relayed_averages(self_ptr self) {
  auto& st = self->state;
  const auto& first = st.peers[st.relay_order.front()].handle;
  const auto groups = static_cast<uint32_t>(st.averages.cols());
  for (const auto& c : chain_chunks(st.model_size, st.averages.cols(),
                                    static_cast<Index>(st.spec.chain_chunk_bytes)))
    self->send(first, average_chunk{st.current.round, static_cast<uint64_t>(c.first),
                                    static_cast<uint64_t>(c.rows), groups,
                                    pack(st.averages.middleRows(c.first, c.rows))});
}

// The chain of the open round: its blocks in id order, each told where its
// running sum comes from and goes to (before its epoch, on the same path).
void route_chain(self_ptr self) {
  auto& st = self->state;
  std::vector<size_t> order;
  for (size_t i = 0; i < st.peers.size(); ++i)
    if (!st.members.blocks()[i].lost)
      order.push_back(i);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return st.members.blocks()[a].first < st.members.blocks()[b].first;
  });
  uint32_t ids = 0;
  // Over a link between two nodes without a door the averages would pass
  // the server's link twice: then the server sends them to every block.
  bool direct = true;
  for (size_t k = 1; k < order.size(); ++k) {
    const auto& a = st.peers[order[k - 1]];
    const auto& b = st.peers[order[k]];
    direct = direct
             && (a.handle.node() == b.handle.node() || !a.door.host.empty()
                 || !b.door.host.empty());
  }
  const bool relay = st.spec.relay_averages && order.size() > 1 && direct;
  st.relay_order = relay ? order : std::vector<size_t>{};
  for (size_t k = 0; k < order.size(); ++k) {
    chain_route r{st.current.round, {}, {}, 0, st.spec.chain_chunk_bytes, relay};
    if (k > 0) {
      const auto& before = st.members.blocks()[order[k - 1]];
      r.prev = caf::actor_cast<caf::actor>(st.peers[order[k - 1]].handle);
      r.prev_door = st.peers[order[k - 1]].door;
      r.from = before.first + before.count;
    }
    if (k + 1 < order.size()) {
      r.next = caf::actor_cast<caf::actor>(st.peers[order[k + 1]].handle);
      r.next_door = st.peers[order[k + 1]].door;
    }
    caf::anon_send(st.peers[order[k]].handle, std::move(r));
    ids += st.members.blocks()[order[k]].count;
  }
  st.chain_last = order.empty() ? caf::actor_addr{} : st.peers[order.back()].handle.address();
  const auto end = order.empty() ? 0u : st.members.blocks()[order.back()].first
                                          + st.members.blocks()[order.back()].count;
  st.chain.open(st.current.round, st.model_size, st.spec.reps, st.spec.workers,
                static_cast<Index>(st.spec.chain_chunk_bytes), ids, end);
  // A block of every id sends the averaged traces itself.
  st.trace_sums.open(st.current.round, st.spec.f->dimension(), st.spec.reps, st.spec.workers,
                     static_cast<Index>(st.spec.chain_chunk_bytes), ids, end,
                     order.size() == 1 && ids == st.spec.workers);
}

void ask_for_epoch(self_ptr self, uint32_t completed) {
  self->request(self->state.schedule, caf::infinite, atom::next_v, completed)
    .then([self](const epoch& e) { begin_epoch(self, e); },
          [self](caf::error& err) {
            fail(self, run_errc::schedule_inconsistent, "schedule: " + self->system().render(err));
          });
}

// The index of the block whose actor sent the current message, lost or not.
std::optional<size_t> sender_block(self_ptr self) {
  const auto sender = self->current_sender();
  const auto& peers = self->state.peers;
  for (size_t i = 0; i < peers.size(); ++i)
    if (sender && peers[i].handle.address() == sender->address())
      return i;
  return std::nullopt;
}

// Takes block `index` out of the run. Before the run started its ids are
// simply free for the next join. Then, under the abort policy the run fails;
// else its ids are freed for a replacement (with fresh streams) and the open
// round goes on without it, unless its model already arrived.
void lose(self_ptr self, size_t index, const std::string& why) {
  auto& st = self->state;
  const auto b = st.members.blocks()[index];
  if (st.finished || b.lost)
    return;
  if (st.running && !st.spec.faults.continue_on_loss) {
    fail(self, run_errc::worker_lost, ids(b) + ": " + why);
    return;
  }
  auto& p = st.peers[index];
  // If it is alive (late or broken), it stops instead of waiting for a run
  // that goes on without it.
  self->send_exit(p.handle, caf::make_error(caf::sec::runtime_error,
                                            "server: dropped " + ids(b) + ": " + why));
  const auto N = st.spec.workers;
  if (!st.running) {
    // No stream has moved yet: a replacement starts them as if nothing happened.
    st.members.lose(index, false);
    log(self, "lost " + ids(b) + " before the run started (" + why + "); "
                + std::to_string(st.members.alive()) + " of " + std::to_string(N)
                + " workers joined, their ids are free for the next join");
    return;
  }
  st.members.lose(index);
  for (uint32_t w = b.first; w < b.first + b.count; ++w)
    for (uint32_t r = 0; r < st.spec.reps; ++r)
      st.positions[size_t{r} * N + w] = 0;
  log(self, "lost " + ids(b) + " (" + why + "); " + std::to_string(st.members.alive()) + " of "
              + std::to_string(N) + " workers remain");
  if (!p.active || st.round.has_model(b.first))
    return;
  p.active = false;
  st.round.withdraw(b.count);
  st.traces.withdraw(b.first);
  st.models.withdraw(b.first);
  fall_back(self);
  reduce_traces(self);
  if (st.finished)
    return;
  if (st.round.expected() == 0)
    fail(self, run_errc::no_workers,
         "every worker of round " + std::to_string(st.current.round) + " was lost");
  else if (st.round.complete())
    complete_round(self);
}

void start_run(self_ptr self) {
  auto& st = self->state;
  st.running = true;
  if (st.spec.announce_start)
    log(self, "all " + std::to_string(st.spec.workers) + " workers joined: the run starts");
  st.checkpoints.start(now(self));
  if (const auto& c = st.spec.resume) {
    st.averages = c->averages;
    st.positions = c->positions;
    st.members.restore_incarnations(c->incarnations);
    st.completed_rounds = c->rounds_completed;
    st.records = c->records;
    st.rounds = std::make_shared<batch_rounds>(batch_rounds{
      c->records.front().round_steps(), c->records.front().round_workers()});
    for (auto& rec : st.records)
      rec.rounds = nullptr; // the server's copy grows; theirs is set when they are sent
    for (auto& p : st.peers)
      p.needs_streams = true;
  } else {
    st.averages = st.spec.initial_model.replicate(1, st.spec.reps);
    double initial = error_of_average(*st.spec.f, st.spec.initial_model);
    if (!std::isfinite(initial)) // diverged before the first step
      initial = std::numeric_limits<double>::quiet_NaN();
    st.records.assign(st.spec.reps, run_record{});
    for (auto& rec : st.records) {
      rec.trajectory.assign(st.spec.recorded_steps.steps().size(), 0.0);
      rec.trajectory[0] = initial;
      rec.round_errors = {initial};
    }
    st.rounds = std::make_shared<batch_rounds>(batch_rounds{{0}, {st.spec.workers}});
  }
  // A diverged repetition's errors are NaN from its divergence on, its last
  // round's too: so a checkpoint says which repetitions diverged.
  // With [record] rounds = "recorded" the last round may have no error: then
  // the last one evaluated and the averages (non-finite stays non-finite) tell.
  st.diverged.assign(st.spec.reps, 0);
  for (size_t r = 0; r < st.records.size(); ++r) {
    const auto& rec = st.records[r];
    auto k = rec.round_errors.size() - 1;
    while (k > 0 && !st.spec.recorded_steps.evaluates_round(st.rounds->steps[k]))
      --k;
    st.diverged[r] = std::isnan(rec.round_errors[k])
                     || (k + 1 < rec.round_errors.size()
                         && !st.averages.col(static_cast<Index>(r)).allFinite());
  }
  ask_for_epoch(self, st.completed_rounds);
}

// What one model of d doubles costs, counted per repetition: `workers` of
// them go out at the start of a round and come back at its end.
void count_transfers(server_state& st, uint32_t workers) {
  const auto bytes = sizeof(double) * static_cast<uint64_t>(st.model_size);
  for (auto& rec : st.records) {
    rec.messages += workers;
    rec.bytes += uint64_t{workers} * bytes;
  }
}

// How the open round's snapshots travel: chunks of recorded steps of about
// trace_chunk_bytes / 2 (all blocks together), two in flight; or, when one
// step's snapshots are larger than that, one step at a time, one in flight.
void set_trace_chunks(server_state& st) {
  const double per_step = sizeof(double) * static_cast<double>(st.spec.f->dimension())
                          * st.spec.reps * st.spec.workers;
  const double half = static_cast<double>(st.spec.trace_chunk_bytes) / 2;
  const double steps = std::floor(half / per_step);
  const double most = std::max<double>(1.0, static_cast<double>(st.traced_steps.size()));
  st.current.trace_steps = static_cast<uint32_t>(std::clamp(steps, 1.0, std::min(most, 1e9)));
  st.current.trace_credit = steps >= 1 ? 2 : 1;
}

void open_epoch(self_ptr self, const epoch& given);

// Rounds share deadline timers: one that fires before the open round's
// deadline is set again for it (on_deadline), so a timer is set only if none
// fires by then. Sync with a round per step then sets about one timer per
// deadline's length of time instead of one per round, each of which cost the
// clock thread a wake-up (5% of experiment S).
void arm_deadline(self_ptr self) {
  auto& st = self->state;
  const auto due = st.round.deadline();
  if (!st.deadline_timers.empty() && *st.deadline_timers.begin() <= due)
    return;
  st.deadline_timers.insert(due);
  self->delayed_send(self, std::max(due - now(self), caf::timespan{0}), atom::deadline_v,
                     st.round.round());
}

void begin_epoch(self_ptr self, const epoch& given) {
  auto& st = self->state;
  if (st.finished)
    return;
  if (given.round != st.completed_rounds + 1
      || given.first_step != st.rounds->steps.back()
      || given.last_step <= given.first_step) {
    fail(self, run_errc::schedule_inconsistent,
         "schedule sent an inconsistent epoch " + std::to_string(given.round));
    return;
  }
  // Injected replacements join first; the epoch opens once they have (on_join).
  const auto& rejoins = st.spec.injected.rejoins;
  const auto due = std::count_if(rejoins.begin(), rejoins.end(),
                                 [&](const auto& j) { return j.round == given.round; });
  if (due > 0) {
    st.waiting_epoch = given;
    st.replacements_awaited = static_cast<uint32_t>(due);
    for (auto i = due; i > 0; --i)
      st.spec.spawn_replacement(caf::actor_cast<server_actor>(self));
    return;
  }
  open_epoch(self, given);
}

// The injected losses of round `round`: like a node that went down just
// before the round, so the loss policy decides (abort fails the run).
void inject_losses(self_ptr self, uint32_t round) {
  auto& st = self->state;
  for (const auto& l : st.spec.injected.losses) {
    if (l.round != round || st.finished)
      continue;
    const int index = st.members.owner(l.worker);
    if (index < 0)
      continue;
    st.peers[static_cast<size_t>(index)].active = false; // it owes nothing in the new round
    lose(self, static_cast<size_t>(index), l.why);
  }
}

void open_epoch(self_ptr self, const epoch& given) {
  auto& st = self->state;
  inject_losses(self, given.round);
  if (st.finished)
    return;
  const auto t = now(self);
  st.current = given;
  st.current.report_streams = given.round < given.rounds && st.checkpoints.due(t);
  st.traced_steps = st.spec.recorded_steps.steps_in(given.first_step, given.last_step);
  set_trace_chunks(st);
  st.round.open(given.round, given.last_step - given.first_step, t);
  if (st.records.front().round_errors.capacity() < size_t{given.rounds} + 1)
    for (auto& rec : st.records) // one allocation for all rounds (sync: one per step)
      rec.round_errors.reserve(size_t{given.rounds} + 1);
  st.diverging.assign(st.spec.reps, server_state::no_divergence);
  // One message for every block: CAF shares it instead of copying the
  // averages per recipient (8 MB each at d = 1e6).
  const auto N = st.spec.workers;
  if (st.spec.chain)
    route_chain(self);
  const auto start = caf::make_message(
    st.current, st.relay_order.empty() ? pack(st.averages) : param_bytes{});
  for (size_t i = 0; i < st.peers.size(); ++i) {
    auto& p = st.peers[i];
    const auto& b = st.members.blocks()[i];
    p.active = !b.lost;
    if (!p.active)
      continue;
    if (p.needs_streams) {
      stream_state s{b.first, b.count, {}, {}};
      for (uint32_t r = 0; r < st.spec.reps; ++r)
        for (uint32_t w = b.first; w < b.first + b.count; ++w)
          s.positions.push_back(st.positions[size_t{r} * N + w]);
      const auto& inc = st.members.incarnations();
      s.incarnations.assign(inc.begin() + b.first, inc.begin() + b.first + b.count);
      caf::anon_send(p.handle, std::move(s)); // the same path as the epoch: in order
      p.needs_streams = false;
    }
    caf::anon_send(caf::actor_cast<caf::actor>(p.handle), start);
    st.round.expect(b.count);
  }
  if (!st.relay_order.empty())
    send_relayed_averages(self);
  if (st.round.expected() == 0) {
    fail(self, run_errc::no_workers, "no workers left for round " + std::to_string(given.round));
    return;
  }
  std::vector<block_sum::slot> slots;
  for (size_t i = 0; i < st.peers.size(); ++i) {
    const auto& b = st.members.blocks()[i];
    slots.push_back({b.first, b.count, st.peers[i].active});
  }
  st.traces.open(st.traced_steps, st.current.trace_steps, st.spec.f->dimension(), st.spec.reps,
                 N, slots);
  if (st.spec.chain && st.trace_sums.on())
    st.traces.chain();
  st.models = block_sum(st.model_size, st.spec.reps, N, slots);
  count_transfers(st, st.round.expected());
  arm_deadline(self);
}

// The error to record for repetition `rep` at traced step `at` of the open
// round (traced_steps.size(): its end): NaN from its divergence on.
double recorded_error(server_state& st, size_t rep, double error, size_t at) {
  if (!st.diverged[rep] && std::isfinite(error) && at < st.diverging[rep])
    return error;
  st.diverged[rep] = 1;
  return std::numeric_limits<double>::quiet_NaN();
}

// Notes the repetitions of the columns of a rows x cols matrix that hold NaN
// or Inf; `where(column)` says which repetition and traced step a column is.
template <class Where>
void note_divergence(server_state& st, const double* data, Index rows, Index cols, Where where) {
  for (Index c = 0; c < cols; ++c) {
    const double* column = data + c * rows;
    if (std::all_of(column, column + rows, [](double v) { return std::isfinite(v); }))
      continue;
    const auto [rep, at] = where(c);
    st.diverging[rep] = std::min(st.diverging[rep], at);
  }
}

// Records the errors of the virtual averages of every trace chunk that is
// complete, in chunk order, and lets the blocks run one chunk further each.
void reduce_traces(self_ptr self) {
  auto& st = self->state;
  if (st.finished) // its records went with the report
    return;
  const auto reps = static_cast<Index>(st.spec.reps);
  while (auto chunk = st.traces.take()) {
    const auto first = st.traces.first_step_index(chunk->index);
    if (!chunk->none_added) {
      const auto steps = chunk->means.cols() / reps;
      st.errors.resize(static_cast<size_t>(chunk->means.cols()));
      st.spec.f->errors(chunk->means, st.errors.data());
      for (Index s = 0; s < steps; ++s) {
        const auto at = first + static_cast<size_t>(s);
        const auto k = st.spec.recorded_steps.index_of(st.traced_steps[at]);
        for (Index r = 0; r < reps; ++r)
          st.records[static_cast<size_t>(r)].trajectory[k] = recorded_error(
            st, static_cast<size_t>(r), st.errors[static_cast<size_t>(s * reps + r)], at);
      }
    }
    const auto allowed = chunk->index + 1 + st.current.trace_credit;
    if (allowed > st.traces.chunks())
      continue;
    const auto go = caf::make_message(atom::proceed_v, st.current.round,
                                      static_cast<uint32_t>(allowed));
    for (size_t i = 0; i < st.peers.size(); ++i)
      if (st.peers[i].active && !st.members.blocks()[i].lost)
        caf::anon_send(caf::actor_cast<caf::actor>(st.peers[i].handle), go);
  }
}

server_checkpoint make_checkpoint(const server_state& st) {
  server_checkpoint c;
  c.rounds_completed = st.completed_rounds;
  c.averages = st.averages;
  c.positions = st.positions;
  c.incarnations = st.members.incarnations();
  c.records = st.records;
  share_rounds(st, c.records);
  return c;
}

bool save(self_ptr self) {
  auto& st = self->state;
  try {
    st.spec.save_checkpoint(make_checkpoint(st));
  } catch (const std::exception& e) {
    fail(self, run_errc::checkpoint_failed, std::string("checkpoint: ") + e.what());
    return false;
  }
  st.checkpoints.saved(now(self));
  return true;
}

void finish(self_ptr self) {
  auto& st = self->state;
  const auto t = now(self);
  const double wall = st.checkpoints.elapsed(t);
  for (auto& rec : st.records) {
    rec.wall_seconds += wall / static_cast<double>(st.records.size());
    rec.complete = true;
  }
  if (st.checkpoints.finish_due(t) && !save(self))
    return;
  st.finished = true;
  for (size_t i = 0; i < st.peers.size(); ++i)
    if (!st.members.blocks()[i].lost)
      self->send_exit(st.peers[i].handle, caf::exit_reason::user_shutdown);
  self->send_exit(st.schedule, caf::exit_reason::user_shutdown);
  report(self);
  self->quit();
}

void complete_round(self_ptr self) {
  auto& st = self->state;
  const bool averaged = st.chain.on() ? (st.averages = st.chain.averages(), true)
                                      : st.models.done() && st.models.average(st.averages);
  if (!st.traces.finished() || !averaged) {
    fail(self, run_errc::missing_trace,
         "round " + std::to_string(st.current.round) + " ended without every trace and model");
    return;
  }
  // A round [record] rounds skips gets no F, only the check for divergence,
  // and NaN for its error: no number.
  const bool evaluated = st.spec.recorded_steps.evaluates_round(st.current.last_step);
  st.errors.resize(static_cast<size_t>(st.averages.cols()));
  if (evaluated)
    st.spec.f->errors(st.averages.topRows(st.spec.f->dimension()), st.errors.data());
  auto& rounds = own_rounds(st, size_t{st.current.rounds} + 1);
  rounds.steps.push_back(st.current.last_step);
  rounds.workers.push_back(st.round.received());
  for (size_t r = 0; r < st.records.size(); ++r) {
    auto& rec = st.records[r];
    const auto at = st.traced_steps.size();
    if (evaluated) {
      rec.round_errors.push_back(recorded_error(st, r, st.errors[r], at));
    } else {
      const bool finite = st.averages.col(static_cast<Index>(r)).allFinite();
      recorded_error(st, r, finite ? 0.0 : std::numeric_limits<double>::quiet_NaN(), at);
      rec.round_errors.push_back(std::numeric_limits<double>::quiet_NaN());
    }
  }
  count_transfers(st, st.round.received());
  st.completed_rounds = st.current.round;
  st.round.close(now(self));
  if (st.current.round == st.current.rounds) {
    finish(self);
    return;
  }
  if (st.current.report_streams && !save(self))
    return;
  ask_for_epoch(self, st.current.round);
}

// The checks every model and trace passes before it is used. Returns the
// index of the sending block if the message is to be used; logs and drops
// it, or loses the block that sent it, otherwise. `seen(id)`: the open round
// already has this kind of message from worker id.
template <class Seen>
std::optional<size_t> admit(self_ptr self, const char* what, Seen seen, uint32_t round,
                            uint32_t first, uint32_t count) {
  auto& st = self->state;
  const auto index = sender_block(self);
  if (!index) {
    log(self, std::string("dropped a ") + what + " from an actor that is not a registered worker");
    return std::nullopt;
  }
  const auto& b = st.members.blocks()[*index];
  if (b.lost) {
    log(self, std::string("dropped a ") + what + " from lost " + ids(b));
    return std::nullopt;
  }
  if (!st.running || st.finished || round != st.current.round || !st.peers[*index].active) {
    log(self, std::string("dropped a ") + what + " of round " + std::to_string(round) + " from "
                + ids(b) + ": that round is not open to them");
    return std::nullopt;
  }
  if (first != b.first || count != b.count) {
    lose(self, *index, std::string("sent a ") + what + " for workers " + std::to_string(first)
                         + " + " + std::to_string(count) + ", not theirs");
    return std::nullopt;
  }
  // An active block owns its ids in the open round: its first id answers for all.
  if (seen(b.first)) {
    log(self, std::string("dropped a second ") + what + " of round " + std::to_string(round)
                + " from " + ids(b));
    return std::nullopt;
  }
  return index;
}

void on_trace(self_ptr self, trace& x) {
  auto& st = self->state;
  if (st.traces.chained() && x.round == st.current.round) {
    log(self, "dropped a trace of round " + std::to_string(x.round)
                + ": its traces are reduced by the chain");
    return;
  }
  const auto index = admit(
    self, "trace", [&](uint32_t id) { return st.traces.owed_by(id) >= st.traces.chunks(); },
    x.round, x.first_worker, x.workers);
  if (!index)
    return;
  const auto round = std::to_string(x.round);
  const auto chunk = st.traces.owed_by(x.first_worker);
  if (x.steps != st.traces.steps_of(chunk)) {
    lose(self, *index, "sent a trace of round " + round + " with the wrong steps");
    return;
  }
  if (x.averaged && x.workers != st.spec.workers) {
    lose(self, *index, "sent an averaged trace but hosts only " + std::to_string(x.workers) + " of "
                     + std::to_string(st.spec.workers) + " workers");
    return;
  }
  const auto d = st.spec.f->dimension();
  const auto k = static_cast<Index>(x.steps.size());
  const auto reps = static_cast<Index>(st.spec.reps);
  const auto count = static_cast<Index>(x.workers);
  const auto cols = k * reps * (x.averaged ? 1 : count);
  const double* data = nullptr;
  if (auto err = view(x.snapshots, d, cols, data)) {
    lose(self, *index, "sent a trace of round " + round + " that does not fit: " + *err);
    return;
  }
  // Columns: (step * reps + rep) * count + worker, or step * reps + rep if averaged.
  const auto group = x.averaged ? Index{1} : count;
  const auto first = st.traces.first_step_index(chunk);
  note_divergence(st, data, d, cols, [&](Index c) {
    const auto q = c / group;
    return std::pair{static_cast<size_t>(q % reps), first + static_cast<size_t>(q / reps)};
  });
  st.traces.give(x.first_worker, x.averaged, std::move(x.snapshots));
  reduce_traces(self);
}

// The stream positions of block `index` (column order), for the checkpoint
// after the round; false (the block is lost) if their number is wrong.
bool store_positions(self_ptr self, size_t index, const std::vector<uint64_t>& positions) {
  auto& st = self->state;
  const auto& b = st.members.blocks()[index];
  const auto reps = st.spec.reps;
  if (positions.size() != size_t{b.count} * reps) {
    lose(self, index, "sent " + std::to_string(positions.size())
                        + " stream positions with its model of round "
                        + std::to_string(st.current.round));
    return false;
  }
  for (uint32_t r = 0; r < reps; ++r)
    for (uint32_t w = 0; w < b.count; ++w)
      st.positions[size_t{r} * st.spec.workers + b.first + w] = positions[size_t{r} * b.count + w];
  return true;
}

void on_model(self_ptr self, model& x) {
  auto& st = self->state;
  if (st.chain.on() && x.round == st.current.round) {
    log(self, "dropped a model of round " + std::to_string(x.round)
                + ": the round is reduced by the chain");
    return;
  }
  const auto index = admit(
    self, "model", [&](uint32_t id) { return st.round.has_model(id); }, x.round,
    x.first_worker, x.workers);
  if (!index)
    return;
  const auto round = std::to_string(x.round);
  if (st.traces.owed_by(x.first_worker) < st.traces.chunks()) {
    fail(self, run_errc::missing_trace,
         "round " + round + ": " + ids(st.members.blocks()[*index])
           + " sent their model before their traces");
    return;
  }
  if (x.averaged && x.workers != st.spec.workers) {
    lose(self, *index, "sent averaged models but hosts only " + std::to_string(x.workers)
                         + " of " + std::to_string(st.spec.workers) + " workers");
    return;
  }
  // Columns: rep * count + worker, or rep if averaged.
  const auto count = static_cast<Index>(x.averaged ? 1 : x.workers);
  const auto reps = static_cast<Index>(st.spec.reps);
  const double* data = nullptr;
  if (auto err = view(x.values, st.model_size, count * reps, data)) {
    lose(self, *index, "sent a model of round " + round + " that does not fit: " + *err);
    return;
  }
  if (st.current.report_streams && !store_positions(self, *index, x.positions))
    return;
  // Non-finite columns diverged by the round's end (an average is non-finite
  // if a model of its repetition is, or if their sum overflowed, which the
  // error of the average would report at the same step).
  note_divergence(st, data, st.model_size, count * reps, [&](Index c) {
    return std::pair{static_cast<size_t>(c / count), st.traced_steps.size()};
  });
  if (x.averaged)
    st.models.give_averages(x.first_worker, std::move(x.values));
  else
    st.models.give(x.first_worker, std::move(x.values));
  st.round.add_model(x.first_worker, x.workers);
  if (st.round.complete())
    complete_round(self);
}

// Chain: a block's models are ready and held for the chain (its traces came
// first); the round completes once every block is ready and the last link's
// sums are all in.
void complete_chain(self_ptr self) {
  auto& st = self->state;
  if (!st.chain.done() || !st.traces.finished())
    return;
  for (size_t i = 0; i < st.peers.size(); ++i)
    if (st.peers[i].active && !st.chain.is_ready(st.members.blocks()[i].first))
      return;
  for (size_t i = 0; i < st.peers.size(); ++i)
    if (st.peers[i].active)
      st.round.add_model(st.members.blocks()[i].first, st.members.blocks()[i].count);
  // A repetition whose models held NaN or Inf has a non-finite average.
  const auto& averages = st.chain.averages();
  note_divergence(st, averages.data(), st.model_size, averages.cols(), [&](Index c) {
    return std::pair{static_cast<size_t>(c), st.traced_steps.size()};
  });
  if (st.round.complete())
    complete_round(self);
}

void on_chain_ready(self_ptr self, chain_ready& x) {
  auto& st = self->state;
  if (!st.chain.on() && x.round == st.current.round)
    return; // the round went to the star: the block's model is on its way
  const auto index = admit(
    self, "chain notice", [&](uint32_t id) { return st.chain.is_ready(id); }, x.round,
    x.first_worker, x.workers);
  if (!index)
    return;
  if (st.traces.owed_by(x.first_worker) < st.traces.chunks()) {
    fail(self, run_errc::missing_trace,
         "round " + std::to_string(x.round) + ": " + ids(st.members.blocks()[*index])
           + " had their models ready before their traces");
    return;
  }
  if (st.current.report_streams && !store_positions(self, *index, x.positions))
    return;
  st.chain.ready(x.first_worker);
  complete_chain(self);
}

void on_chain_chunk(self_ptr self, chain_chunk& x) {
  auto& st = self->state;
  const auto sender = self->current_sender();
  if (!st.running || st.finished || !st.chain.on() || x.round != st.current.round)
    return; // a round that went to the star, or is over: nothing to do with it
  const auto index = sender_block(self);
  if (!index || !sender || sender->address() != st.chain_last) {
    log(self, "dropped a chain chunk from an actor that is not the last of the chain");
    return;
  }
  if (auto err = st.chain.give(x)) {
    lose(self, *index, "sent " + *err);
    return;
  }
  complete_chain(self);
}

// Chain: the last link's sums of a chunk of traces; each chunk complete is
// recorded as the star records it.
void on_chain_trace(self_ptr self, chain_trace& x) {
  auto& st = self->state;
  const auto sender = self->current_sender();
  if (!st.running || st.finished || !st.traces.chained() || x.sum.round != st.current.round)
    return; // a round whose traces went to the star, or is over
  const auto index = sender_block(self);
  if (!index || !sender || sender->address() != st.chain_last) {
    log(self, "dropped a trace sum from an actor that is not the last of the chain");
    return;
  }
  if (auto err = st.trace_sums.give(x, st.traces)) {
    lose(self, *index, "sent " + *err);
    return;
  }
  // A sum holds NaN or Inf where a snapshot did (or it overflowed, which
  // the star's average does too). Columns: step * reps + rep.
  const auto reps = static_cast<Index>(st.spec.reps);
  const auto first = st.traces.first_step_index(x.chunk);
  note_divergence(st, reinterpret_cast<const double*>(x.sum.sum.bytes.data()),
                  static_cast<Index>(x.sum.rows), static_cast<Index>(x.sum.groups),
                  [&](Index c) {
                    return std::pair{static_cast<size_t>(c % reps),
                                     first + static_cast<size_t>(c / reps)};
                  });
  reduce_traces(self);
  complete_chain(self);
}

// A block's handle to the next one died (a CAF proxy, see protocol.hpp):
// what went through it may be lost, so the round goes to the star.
void on_link_down(self_ptr self, uint32_t round) {
  auto& st = self->state;
  const auto index = sender_block(self);
  if (!index || st.members.blocks()[*index].lost || st.finished || !st.chain.on()
      || round != st.current.round)
    return; // the round went to the star already, or is over
  log(self, "round " + std::to_string(round) + ": " + ids(st.members.blocks()[*index])
              + " lost their link to the next block");
  fall_back(self);
}

// deadline(0): the time for all N workers to join has passed. deadline(r),
// set in round r: the blocks still owing the open round are lost if its
// deadline passed; else the timer is set again for it (arm_deadline).
void on_deadline(self_ptr self, uint32_t armed_in) {
  auto& st = self->state;
  const auto sender = self->current_sender();
  if (!sender || sender->address() != self->address()) {
    log(self, "dropped a deadline message that the server did not send itself");
    return;
  }
  if (armed_in == 0) {
    if (!st.running && !st.finished) {
      char text[128];
      std::snprintf(text, sizeof text, "join timeout: %u workers did not join within %g s",
                    st.spec.workers, st.spec.join_timeout);
      fail_with(self, run_errc::join_timeout, text);
    }
    return;
  }
  if (!st.deadline_timers.empty()) // timers fire in the order of their times
    st.deadline_timers.erase(st.deadline_timers.begin());
  const auto round = st.round.round();
  if (st.finished || !st.running || !st.round.is_open() || st.completed_rounds >= round)
    return;
  if (!st.round.overdue(round, now(self))) {
    arm_deadline(self);
    return;
  }
  std::vector<size_t> late;
  const bool chained = st.chain.on();
  const auto owes = [&](uint32_t first) {
    return st.chain.on() ? !st.chain.is_ready(first) : !st.round.has_model(first);
  };
  // In a relayed round a block waits for the averages from the one before
  // it: only the first that owes and those after a ready block are late;
  // the rest get the averages directly and the same time again (fall_back).
  const auto had_averages = [&](size_t i) {
    const auto at = std::find(st.relay_order.begin(), st.relay_order.end(), i);
    return at == st.relay_order.end() || at == st.relay_order.begin()
           || st.chain.is_ready(st.members.blocks()[*(at - 1)].first);
  };
  for (size_t i = 0; i < st.peers.size(); ++i)
    if (st.peers[i].active && owes(st.members.blocks()[i].first)
        && (!chained || had_averages(i)))
      late.push_back(i);
  char text[96];
  std::snprintf(text, sizeof text, "missed the deadline of round %u (%.3g s)", round,
                st.round.allowed_seconds());
  for (auto i : late)
    if (!st.finished && st.completed_rounds < round)
      lose(self, i, text);
  if (chained && !st.finished && st.completed_rounds < round) {
    // The chain missed the deadline (the late were lost, or every block was
    // ready but the sums did not come): the star gets the same time again
    // for the models of the blocks that remain.
    fall_back(self);
    st.round.extend(now(self));
    arm_deadline(self);
  }
}

// An injected replacement joined as `id`; once all of the waiting epoch's
// have, it opens. The plan computed the ids the way join hands them out.
void on_injected_join(self_ptr self, uint32_t id) {
  auto& st = self->state;
  const auto round = st.waiting_epoch.round;
  const auto& rejoins = st.spec.injected.rejoins;
  if (std::none_of(rejoins.begin(), rejoins.end(),
                   [&](const auto& j) { return j.round == round && j.worker == id; })) {
    fail(self, run_errc::schedule_inconsistent,
         "an injected replacement of round " + std::to_string(round) + " took worker id "
           + std::to_string(id) + ", which the fault plan did not free");
    return;
  }
  if (--st.replacements_awaited == 0)
    open_epoch(self, st.waiting_epoch);
}

// Worker ids are handed out lowest free first, in consecutive runs: at the
// start in order of joining, later to replacements of lost workers.
caf::result<uint32_t> on_join(self_ptr self, uint32_t count, link_address door) {
  auto& st = self->state;
  auto handle = caf::actor_cast<worker_actor>(self->current_sender());
  const auto refused = [&] {
    return caf::make_error(caf::sec::invalid_argument,
                           "server: cannot add " + std::to_string(count) + " workers, "
                             + std::to_string(st.members.free_run()) + " consecutive ids free");
  };
  if (st.finished || count < 1 || count > st.members.free_run())
    return refused();
  if (!handle)
    return caf::make_error(caf::sec::invalid_argument, "server: anonymous join");
  const auto first = *st.members.join(count);
  st.peers.push_back({handle, std::move(door)});
  self->monitor(handle);
  if (st.running) {
    st.peers.back().needs_streams = true;
    log(self, "workers " + std::to_string(first) + ".." + std::to_string(first + count - 1)
                + " replaced; they take part from round "
                + std::to_string(st.current.round + 1));
    if (st.replacements_awaited > 0) {
      // The answer must reach the worker before the epoch that may follow.
      auto answer = self->make_response_promise<uint32_t>();
      answer.deliver(first);
      on_injected_join(self, first);
      return answer;
    }
  } else if (st.members.full()) {
    start_run(self);
  }
  return first;
}

} // namespace

server_actor::behavior_type server(server_actor::stateful_pointer<server_state> self,
                                   server_spec spec, schedule_actor schedule) {
  auto& st = self->state;
  st.spec = std::move(spec);
  st.schedule = std::move(schedule);
  const auto N = st.spec.workers;
  st.model_size = st.spec.initial_model.size();
  st.members = membership(N);
  st.round = round_tracker(N, st.spec.faults);
  st.checkpoints = checkpoint_timer(static_cast<bool>(st.spec.save_checkpoint),
                                    st.spec.checkpoint_interval, st.spec.resume != nullptr);
  st.positions.assign(size_t{st.spec.reps} * N, 0);
  self->link_to(st.schedule);
  if (st.spec.join_timeout > 0)
    self->delayed_send(self,
                       std::chrono::duration_cast<caf::timespan>(
                         std::chrono::duration<double>(st.spec.join_timeout)),
                       atom::deadline_v, 0u);
  // Stopped from outside (another batch of the sweep failed, say), as CAF's
  // default would, but with the records so far reported first.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (!msg.reason)
      return;
    if (!self->state.finished) {
      self->state.finished = true;
      report(self);
    }
    self->quit(msg.reason);
  });
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    for (size_t i = 0; i < st.peers.size(); ++i)
      if (!st.members.blocks()[i].lost && st.peers[i].handle.address() == msg.source) {
        const auto why = msg.reason == caf::exit_reason::remote_link_unreachable
                           ? std::string("lost the connection to their node")
                           : "went down: " + self->system().render(msg.reason);
        lose(self, i, why);
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
    [self](atom::join, uint32_t count, link_address& door) {
      return on_join(self, count, std::move(door));
    },
    [self](atom::describe) { return self->state.spec.description; },
    [self](trace& x) { on_trace(self, x); },
    [self](model& x) { on_model(self, x); },
    [self](chain_ready& x) { on_chain_ready(self, x); },
    [self](chain_chunk& x) { on_chain_chunk(self, x); },
    [self](chain_trace& x) { on_chain_trace(self, x); },
    [self](atom::deadline, uint32_t round) { on_deadline(self, round); },
    [self](atom::link_down, uint32_t round) { on_link_down(self, round); },
  };
}

} // namespace lsgd
