#include "actors/worker.hpp"

#include "numerics/averaging.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>

namespace lsgd {

namespace {

using self_ptr = worker_actor::stateful_pointer<worker_state>;

// A block of every worker has the local optimizer write the iterates at up to
// 64 recorded steps into a buffer at a time (so that it runs many steps in a
// row), then averages them; fewer if the buffer would outgrow a core's L2
// cache, where the averaging reads what the steps wrote (and every new
// batch's buffer costs page faults to first touch).
size_t snapshots_per_pass(Eigen::Index d, Eigen::Index columns) {
  constexpr size_t budget_bytes = 256 * 1024;
  const auto per_snapshot = sizeof(double) * static_cast<size_t>(d * columns);
  return std::clamp<size_t>(budget_bytes / std::max<size_t>(per_snapshot, 1), 1, 64);
}

// Appends the iterates at one recorded step (d x columns) to the trace: the
// virtual averages if this block hosts every worker (far fewer bytes).
void append_averages(self_ptr self, trace& out,
                     const Eigen::Ref<const Eigen::MatrixXd>& iterates, uint64_t step) {
  auto& st = self->state;
  st.means.resize(iterates.rows(), st.layout.reps);
  average_column_groups(iterates, st.spec.total_workers, st.means);
  st.means_step = step;
  append(out.snapshots, st.means);
}

void pass_on(self_ptr self, const server_actor& server);

// The trace of chunk `c` of the open epoch, without its snapshots.
trace trace_of(const worker_state& st, size_t c) {
  const auto per_chunk = size_t{st.current.trace_steps};
  const auto begin = c * per_chunk;
  const auto end = std::min(st.recorded.size(), begin + per_chunk);
  return {st.current.round, st.layout.first_worker, st.layout.workers,
          st.layout.workers == st.spec.total_workers,
          {st.recorded.begin() + static_cast<std::ptrdiff_t>(begin),
           st.recorded.begin() + static_cast<std::ptrdiff_t>(end)},
          {}};
}

// Chunk `c`'s snapshots (the block's columns) by the star.
void send_trace(self_ptr self, const server_actor& server, size_t c, param_bytes snapshots) {
  auto out = trace_of(self->state, c);
  out.snapshots = std::move(snapshots);
  self->send(server, std::move(out));
}

// Runs the local steps up to the last step of chunk `c` and sends its trace.
// A block of every worker sends the averages; any other block its columns,
// which the optimizer writes straight into the message (in a chain: keeps
// them and passes their running sum on).
void run_chunk(self_ptr self, const server_actor& server, size_t c) {
  auto& st = self->state;
  const auto per_chunk = size_t{st.current.trace_steps};
  const auto begin = c * per_chunk;
  const auto end = std::min(st.recorded.size(), begin + per_chunk);
  const auto d = st.spec.dimension;
  const auto columns = st.layout.columns();
  auto out = trace_of(st, c);
  const bool averaged = out.averaged;
  const auto column_bytes = sizeof(double) * static_cast<size_t>(d * columns);
  if (st.traces.on()) {
    // The chain: the snapshots stay here, their running sum goes on.
    Eigen::MatrixXd own(d, columns * static_cast<Eigen::Index>(end - begin));
    st.block->advance(st.at, st.recorded[end - 1],
                      snapshot_sink{st.recorded.data() + begin, end - begin, own.data()});
    st.at = st.recorded[end - 1];
    st.traces.own(c, std::move(own));
    pass_on(self, server);
    return;
  }
  if (!averaged) {
    out.snapshots.bytes.resize(column_bytes * (end - begin));
    auto* data = reinterpret_cast<double*>(out.snapshots.bytes.data());
    st.block->advance(st.at, st.recorded[end - 1],
                      snapshot_sink{st.recorded.data() + begin, end - begin, data});
  } else {
    out.snapshots.bytes.reserve(sizeof(double) * static_cast<size_t>(d * st.layout.reps)
                                * (end - begin));
    const auto per_pass = snapshots_per_pass(d, columns);
    for (auto b = begin; b < end; b += per_pass) {
      const auto n = std::min(per_pass, end - b);
      st.buffer.resize(static_cast<size_t>(d * columns) * n);
      st.block->advance(b == begin ? st.at : st.recorded[b - 1], st.recorded[b + n - 1],
                        snapshot_sink{st.recorded.data() + b, n, st.buffer.data()});
      for (size_t s = 0; s < n; ++s)
        append_averages(self, out,
                        Eigen::Map<const Eigen::MatrixXd>(st.buffer.data() + s * d * columns,
                                                          d, columns),
                        st.recorded[b + s]);
    }
  }
  st.at = st.recorded[end - 1];
  self->send(server, std::move(out));
}

// The star: the block's models of the open round go to the server, or their
// averages if this block hosts every worker (the same numbers, N times fewer).
void send_model(self_ptr self, const server_actor& server) {
  auto& st = self->state;
  const auto& models = st.block->models();
  const bool averaged = st.layout.workers == st.spec.total_workers;
  // A round that ends on a recorded step averaged its models already, for
  // the trace, if the models are the iterates (SGD; FedAC's hold more).
  const bool have = st.means_step == st.current.last_step && models.rows() == st.spec.dimension;
  if (averaged && !have) {
    st.means.resize(models.rows(), st.layout.reps);
    average_column_groups(models, st.spec.total_workers, st.means);
  }
  model m{st.current.round, st.layout.first_worker, st.layout.workers,
          averaged ? pack(st.means) : pack(models), {}, averaged};
  if (st.current.report_streams)
    m.positions = stream_positions(*st.block);
  self->send(server, std::move(m));
}

// The chain: hands on every running-sum chunk the link can sum now, to the
// next block or, from the last one, to the server.
void pass_on(self_ptr self, const server_actor& server) {
  auto& st = self->state;
  for (auto& c : st.traces.take()) { // before the models: the server wants them first
    if (const auto& next = st.link.current().next)
      self->send(caf::actor_cast<worker_actor>(next), std::move(c));
    else
      self->send(server, std::move(c));
  }
  for (auto& c : st.link.take()) {
    if (const auto& next = st.link.current().next)
      self->send(caf::actor_cast<worker_actor>(next), std::move(c));
    else
      self->send(server, std::move(c));
  }
}

// A chain message that cannot be used ends the block: the server loses it
// and redoes the round by the star.
void refuse(self_ptr self, const std::string& why) {
  self->quit(caf::make_error(caf::sec::runtime_error, "worker: chain: " + why));
}

// Runs the chunks the server allows; after the last one, the rest of the
// epoch, and sends the models (same sender, same receiver: after the traces).
void run_allowed(self_ptr self, const server_actor& server) {
  auto& st = self->state;
  const auto per_chunk = size_t{st.current.trace_steps};
  const auto chunks = (st.recorded.size() + per_chunk - 1) / per_chunk;
  while (st.open && st.next_chunk < chunks && st.next_chunk < st.allowed_chunks)
    run_chunk(self, server, st.next_chunk++);
  if (!st.open || st.next_chunk < chunks)
    return;
  st.block->advance(st.at, st.current.last_step, snapshot_sink{});
  st.open = false;
  if (st.link.round() != st.current.round) {
    send_model(self, server);
    return;
  }
  // The chain: the server learns the models are ready (and where the streams
  // are), the link sums them into the running sum.
  chain_ready ready{st.current.round, st.layout.first_worker, st.layout.workers, {}};
  if (st.current.report_streams)
    ready.positions = stream_positions(*st.block);
  self->send(server, std::move(ready));
  st.link.models_ready(&st.block->models());
  pass_on(self, server);
}

// Starts epoch `e` from `averages` (model size x reps, column-major).
void run_epoch(self_ptr self, const server_actor& server, const epoch& e,
               const double* averages) {
  auto& st = self->state;
  st.block->load(param_view(averages, st.spec.method->model_size(), st.layout.reps));
  st.current = e;
  st.open = true;
  st.recorded = st.spec.recorded_steps.steps_in(e.first_step, e.last_step);
  st.next_chunk = 0;
  st.means_step = 0;
  st.allowed_chunks = e.trace_credit;
  st.at = e.first_step;
  // The traces go along the chain too, unless this block hosts every id.
  if (st.link.round() == e.round && st.layout.workers < st.spec.total_workers) {
    if (auto err = st.traces.open(st.link.current(), st.recorded.size(), e.trace_steps,
                                  e.trace_credit)) {
      refuse(self, *err);
      return;
    }
  } else {
    st.traces.close(e.round);
  }
  run_allowed(self, server);
}

// An epoch from the server: with its averages, or in a relayed chain round
// without them (they come along the chain: it starts once they are in).
void on_epoch(self_ptr self, const server_actor& server, const epoch& e,
              const param_bytes& averages) {
  auto& st = self->state;
  if (!st.block) {
    self->quit(caf::make_error(caf::sec::runtime_error,
                               "worker: epoch before the server assigned worker ids"));
    return;
  }
  if (e.trace_steps < 1) {
    self->quit(caf::make_error(caf::sec::runtime_error, "worker: an epoch with empty chunks"));
    return;
  }
  if (averages.bytes.empty()) {
    if (st.relay.round() != e.round) {
      refuse(self, "an epoch without averages in a round whose averages are not relayed");
      return;
    }
    st.relayed_round = e.round;
    st.waiting = e;
    if (st.relay.complete()) {
      st.waiting.reset();
      run_epoch(self, server, e, st.relay.averages().data());
    }
    return;
  }
  if (st.relayed_round == e.round) {
    // After a loss the server sends a relayed round's averages directly to
    // the blocks that may not have them: one that started already goes on.
    if (!st.waiting)
      return;
    st.waiting.reset();
    st.relay.abandon();
  }
  const double* data = nullptr;
  if (auto err = view(averages, st.spec.method->model_size(), st.layout.reps, data)) {
    self->quit(caf::make_error(caf::sec::runtime_error, "worker: averages: " + *err));
    return;
  }
  run_epoch(self, server, e, data);
}

// A chunk of a relayed round's averages: goes on to the next block at once;
// the waiting epoch starts with the last one.
void on_average_chunk(self_ptr self, const server_actor& server, average_chunk& c) {
  auto& st = self->state;
  const auto sender = self->current_sender();
  if (auto err = st.relay.receive(std::move(c), sender ? sender->address() : caf::actor_addr{})) {
    refuse(self, *err);
    return;
  }
  for (auto& out : st.relay.take())
    self->send(caf::actor_cast<worker_actor>(st.relay.current().next), std::move(out));
  if (st.waiting && st.relay.complete() && st.waiting->round == st.relay.round()) {
    const auto e = *st.waiting;
    st.waiting.reset();
    run_epoch(self, server, e, st.relay.averages().data());
  }
}

// Resumed runs and replacements: the streams continue where the server says.
void restore(self_ptr self, const stream_state& s) {
  auto& st = self->state;
  if (!st.block || s.first_worker != st.layout.first_worker
      || s.workers != st.layout.workers) {
    self->quit(caf::make_error(caf::sec::runtime_error,
                               "worker: stream state for workers it does not host"));
    return;
  }
  try {
    restore_streams(*st.block, st.layout, s.positions, s.incarnations);
  } catch (const std::invalid_argument& e) {
    self->quit(caf::make_error(caf::sec::runtime_error, std::string("worker: ") + e.what()));
  }
}

// Connects once to the node of the block before or after this one (what is
// sent meanwhile goes through the server; chunks are placed by their rows
// whichever path they took).
void connect_to(worker_actor::stateful_pointer<worker_state> self, const caf::actor& neighbour,
                const link_address& theirs) {
  auto& st = self->state;
  if (!st.spec.connector || !neighbour || neighbour.node() == self->node()
      || !connects_to(st.spec.door, theirs))
    return;
  auto door = std::make_pair(theirs.host, theirs.port);
  if (std::find(st.doors.begin(), st.doors.end(), door) != st.doors.end())
    return;
  st.doors.push_back(door);
  // The middleman connects once per address, however many blocks ask.
  self->request(st.spec.connector, caf::infinite, caf::connect_atom_v, door.first, door.second)
    .then([](const caf::node_id&, const caf::strong_actor_ptr&, const std::set<std::string>&) {},
          [self, door](const caf::error& e) {
            // One line per address and process, however many blocks tried.
            static std::mutex said_mutex;
            static std::set<std::pair<std::string, uint16_t>> said;
            std::lock_guard<std::mutex> lock(said_mutex);
            if (!said.insert(door).second)
              return;
            std::fprintf(stderr,
                         "localsgd: no direct link to the node at %s:%u (%s); the chain goes "
                         "through the server to it\n",
                         door.first.c_str(), unsigned{door.second},
                         self->system().render(e).c_str());
          });
}

} // namespace

bool connects_to(const link_address& mine, const link_address& theirs) {
  if (theirs.host.empty())
    return false;
  return mine.host.empty() || std::tie(mine.host, mine.port) < std::tie(theirs.host, theirs.port);
}

worker_actor::behavior_type worker(worker_actor::stateful_pointer<worker_state> self,
                                   worker_spec spec, server_actor server) {
  self->state.spec = std::move(spec);
  // Made before the ids are known: the block before may pass on averages and
  // sums before the server's answer to the join arrives (another path); they
  // wait for the route (the links are made again with the ids, keeping them).
  auto& st = self->state;
  st.relay = average_relay(st.spec.method->model_size(), st.spec.reps);
  st.link = chain_link(0, 1, st.spec.total_workers, st.spec.method->model_size(), st.spec.reps);
  st.traces = trace_link(0, 1, st.spec.total_workers, st.spec.dimension, st.spec.reps);
  // Monitored, not linked: the server decides what a lost worker means.
  self->monitor(server);
  self->set_down_handler([self, server](caf::down_msg& msg) {
    auto& st = self->state;
    if (msg.source == server.address()) {
      self->quit(msg.reason);
      return;
    }
    // The handle of a next block died: if it is this round's, what the block
    // sent there may be lost (see atom::link_down).
    st.watched.erase(std::remove(st.watched.begin(), st.watched.end(), msg.source),
                     st.watched.end());
    if (st.link.round() != 0 && st.link.current().next
        && st.link.current().next.address() == msg.source)
      self->send(server, atom::link_down_v, st.link.round());
  });
  self->request(server, caf::infinite, atom::join_v, self->state.spec.workers,
                self->state.spec.door)
    .then([self](uint32_t first_worker) {
      auto& st = self->state;
      st.layout = block_layout{st.spec.seed,    st.spec.first_rep, st.spec.reps,
                               first_worker,    st.spec.workers,   st.spec.total_workers};
      st.block = st.spec.method->make_block(st.layout);
      chain_link link(first_worker, st.spec.workers, st.spec.total_workers,
                      st.spec.method->model_size(), st.spec.reps);
      link.keep_early(std::move(st.link));
      st.link = std::move(link);
      trace_link traces(first_worker, st.spec.workers, st.spec.total_workers,
                        st.spec.dimension, st.spec.reps);
      traces.keep_early(std::move(st.traces));
      st.traces = std::move(traces);
    });
  return {
    [self, server](const epoch& e, const param_bytes& averages) {
      on_epoch(self, server, e, averages);
    },
    [self](const stream_state& s) { restore(self, s); },
    [self, server](atom::proceed, uint32_t round, uint32_t chunks) {
      auto& st = self->state;
      if (round == st.current.round && chunks >= st.current.trace_credit)
        st.traces.release_below(chunks - st.current.trace_credit); // those were reduced
      if (st.open && round == st.current.round && chunks > st.allowed_chunks) {
        st.allowed_chunks = chunks;
        run_allowed(self, server);
      }
    },
    [self, server](const chain_route& r) {
      auto& st = self->state;
      if (auto err = st.link.route(r)) {
        refuse(self, *err);
        return;
      }
      if (r.next && std::find(st.watched.begin(), st.watched.end(), r.next.address())
                      == st.watched.end()) {
        self->monitor(r.next);
        st.watched.push_back(r.next.address());
      }
      connect_to(self, r.prev, r.prev_door);
      connect_to(self, r.next, r.next_door);
      if (r.relay) {
        if (auto err = st.relay.route(r, server.address())) {
          refuse(self, *err);
          return;
        }
        for (auto& out : st.relay.take()) // chunks that came before the route
          self->send(caf::actor_cast<worker_actor>(r.next), std::move(out));
      }
      pass_on(self, server);
    },
    [self, server](average_chunk& c) { on_average_chunk(self, server, c); },
    [self, server](chain_chunk& c) {
      const auto sender = self->current_sender();
      if (auto err = self->state.link.receive(std::move(c), sender ? sender->address()
                                                                   : caf::actor_addr{}))
        refuse(self, *err);
      else
        pass_on(self, server);
    },
    [self, server](chain_trace& x) {
      const auto sender = self->current_sender();
      if (auto err = self->state.traces.receive(std::move(x), sender ? sender->address()
                                                                     : caf::actor_addr{}))
        refuse(self, *err);
      else
        pass_on(self, server);
    },
    [self, server](atom::fallback, uint32_t round, uint32_t trace_chunk) {
      auto& st = self->state;
      if (st.link.round() != round)
        return;
      st.link.abandon();
      if (st.current.round == round && st.traces.on()) {
        // The chunks run but not reduced go by the star, before the model.
        std::vector<std::pair<size_t, Eigen::MatrixXd>> held;
        if (!st.traces.abandon(trace_chunk, held)) {
          refuse(self, "a fallback from a trace chunk it no longer holds");
          return;
        }
        for (auto& [c, snapshots] : held)
          send_trace(self, server, c, pack(snapshots));
      }
      if (!st.open && st.current.round == round) // else run_allowed sends it
        send_model(self, server);
    },
  };
}

} // namespace lsgd
