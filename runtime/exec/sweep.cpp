#include "runtime/exec/sweep.hpp"

#include "actors/reports.hpp"
#include "actors/schedule.hpp"
#include "actors/server.hpp"
#include "actors/worker.hpp"
#include "runtime/exec/exit_codes.hpp"
#include "runtime/exec/message_size.hpp"
#include "runtime/exec/runner.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>

namespace lsgd {

namespace {

// A joined node: its agent and its worker ids of capacity, those in use.
struct pool_node {
  caf::actor agent;
  uint32_t capacity = 0;
  uint32_t busy = 0;
  bool alive = true;
};

// A batch whose server runs: which nodes host how many of its ids, and its
// records once the server reported them.
struct placed_batch {
  size_t index = 0;
  std::vector<std::pair<size_t, uint32_t>> shares; // (node, ids)
  std::optional<std::vector<run_record>> records;
};

struct coordinator_state {
  static inline const char* name = "lsgd.coordinator";
  coordinator_spec spec;
  std::vector<pool_node> nodes; // in order of joining
  std::vector<run_record> records; // per run, at plan.run_index(entry, rep)
  std::map<caf::actor_addr, placed_batch> in_flight; // by server
  size_t next = 0;
  size_t max_in_flight = 1;
  std::string failure;
  // The deadline armed for a pool too small for the next batch: its token
  // (deadlines of earlier tokens are stale) and whether one is pending.
  uint64_t deadline_token = 0;
  bool deadline_armed = false;
  // The checkpoint of batch `next` when resuming, loaded once (it may be
  // large) and handed to its server when the pool has room for it.
  std::shared_ptr<const server_checkpoint> resume_next;
};

using coordinator_ptr = caf::stateful_actor<coordinator_state>*;

void log_line(const std::string& text) {
  std::fprintf(stderr, "localsgd: %s\n", text.c_str());
  std::fflush(stderr);
}

uint32_t pool_capacity(const coordinator_state& st, bool free_only) {
  uint32_t n = 0;
  for (const auto& node : st.nodes)
    if (node.alive)
      n += free_only ? node.capacity - node.busy : node.capacity;
  return n;
}

std::string batch_name(const run_plan& plan, size_t index) {
  const auto& batch = plan.batches[index];
  const auto& entry = plan.entries[batch.entry];
  return "method \"" + entry.method + "\", N = " + std::to_string(entry.N) + ", repetitions "
         + std::to_string(batch.first_rep) + " .. "
         + std::to_string(batch.first_rep + batch.reps - 1);
}

// Spawns batch `index`'s schedule and server here and hands its N ids to the
// free nodes, in order of joining (the caller checked that they suffice).
void place(coordinator_ptr self, size_t index) {
  auto& st = self->state;
  const auto& plan = *st.spec.plan;
  const auto& entry = plan.entries[plan.batches[index].entry];
  auto spec = make_server_spec(plan, index, caf::actor_cast<caf::actor>(self), st.spec.ck,
                               std::move(st.resume_next));
  // The assigned blocks are on their way; a node lost before its blocks
  // joined fails the batch with join_timeout instead of holding it.
  spec.join_timeout = st.spec.join_timeout;
  use_cluster_reduction(spec, plan);
  const bool chain = spec.chain;
  auto& sys = self->system();
  auto srv = sys.spawn(server, std::move(spec), sys.spawn(schedule, entry.times));
  self->monitor(srv);
  placed_batch placed{index, {}, {}};
  std::string where;
  uint32_t remaining = entry.N;
  for (size_t n = 0; n < st.nodes.size() && remaining > 0; ++n) {
    auto& node = st.nodes[n];
    const auto take = node.alive ? std::min(remaining, node.capacity - node.busy) : 0;
    if (take == 0)
      continue;
    self->send(node.agent, atom::assign_v, static_cast<uint32_t>(index), take,
               caf::actor_cast<caf::actor>(srv));
    node.busy += take;
    remaining -= take;
    placed.shares.emplace_back(n, take);
    where += (where.empty() ? "" : ", ") + std::to_string(n) + " (" + std::to_string(take) + ")";
  }
  log_line("batch " + std::to_string(index) + ", " + batch_name(plan, index)
           + ": on nodes " + where + (chain ? "; rounds by the chain" : ""));
  st.in_flight.emplace(srv.address(), std::move(placed));
}

void finish(coordinator_ptr self) {
  auto& st = self->state;
  self->send(st.spec.waiter, execution_result{std::move(st.records), 0});
  if (st.failure.empty())
    self->quit();
  else
    self->quit(caf::make_error(caf::sec::runtime_error, st.failure));
}

void take(coordinator_state& st, size_t index, std::vector<run_record> records) {
  const auto& plan = *st.spec.plan;
  const auto& batch = plan.batches[index];
  for (uint32_t r = 0; r < batch.reps; ++r)
    st.records[plan.run_index(batch.entry, batch.first_rep + r)] = std::move(records[r]);
}

// When resuming: takes batch `next` from its checkpoint if that holds it
// finished (true), or keeps the checkpoint for its server.
bool finished_before(coordinator_state& st) {
  const auto& ck = st.spec.ck;
  if (!ck.resume || !ck.store || st.resume_next)
    return false;
  const auto& plan = *st.spec.plan;
  auto c = ck.store->load(st.next, identity_in(plan, st.next));
  if (!c)
    return false;
  if (c->records.front().complete) {
    take(st, st.next, std::move(c->records));
    return true;
  }
  st.resume_next = std::make_shared<const server_checkpoint>(std::move(*c));
  return false;
}

void fail(coordinator_ptr self, std::string why) {
  auto& st = self->state;
  if (!st.failure.empty())
    return;
  st.failure = std::move(why);
  // Stop the others: their schedules are linked to them, their workers
  // monitor them.
  for (auto& [addr, _] : st.in_flight)
    self->send_exit(addr, caf::exit_reason::user_shutdown);
}

// Places batches in plan order while there is room and the pool has free ids
// for the next one; a pool whose whole capacity is too small for it gets
// join_timeout seconds to grow, from when no batch runs. Once nothing is left
// and nothing runs: done.
void fill(coordinator_ptr self) {
  auto& st = self->state;
  const auto& plan = *st.spec.plan;
  while (st.failure.empty() && st.next < plan.batches.size()
         && st.in_flight.size() < st.max_in_flight) {
    try {
      if (finished_before(st)) {
        ++st.next;
        continue;
      }
    } catch (const checkpoint_error& e) {
      fail(self, e.what());
      break;
    }
    const auto N = plan.entries[plan.batches[st.next].entry].N;
    if (N > pool_capacity(st, true)) {
      // Timed once the batches before it are done: the line then also says
      // that no node is busy.
      if (N > pool_capacity(st, false) && !st.deadline_armed && st.in_flight.empty()) {
        st.deadline_armed = true;
        std::ostringstream wait;
        wait << st.spec.join_timeout;
        log_line("the pool holds " + std::to_string(pool_capacity(st, false))
                 + " worker ids, the run of " + batch_name(plan, st.next) + " needs "
                 + std::to_string(N) + ": waiting up to " + wait.str()
                 + " s (--join-timeout) for nodes to join");
        self->delayed_send(self,
                           std::chrono::duration_cast<caf::timespan>(
                             std::chrono::duration<double>(st.spec.join_timeout)),
                           atom::deadline_v, ++st.deadline_token);
      }
      break;
    }
    st.deadline_armed = false; // the pool held it: a pending deadline is stale
    place(self, st.next++);
  }
  if (st.in_flight.empty() && (!st.failure.empty() || st.next == plan.batches.size()))
    finish(self);
}

void on_deadline(coordinator_ptr self, uint64_t token) {
  auto& st = self->state;
  if (token != st.deadline_token || !st.deadline_armed)
    return;
  st.deadline_armed = false;
  const auto& plan = *st.spec.plan;
  if (!st.failure.empty() || st.next == plan.batches.size())
    return;
  const auto N = plan.entries[plan.batches[st.next].entry].N;
  const auto capacity = pool_capacity(st, false);
  if (N <= capacity) {
    fill(self); // the pool grew meanwhile
    return;
  }
  std::ostringstream waited;
  waited << st.spec.join_timeout;
  fail(self, "the pool of joined nodes holds " + std::to_string(capacity)
               + " worker ids, the run of " + batch_name(plan, st.next) + " needs "
               + std::to_string(N) + " (waited " + waited.str()
               + " s, --join-timeout): join nodes with more --workers");
  fill(self);
}

void on_down(coordinator_ptr self, const caf::down_msg& msg) {
  auto& st = self->state;
  const auto& plan = *st.spec.plan;
  if (auto it = st.in_flight.find(msg.source); it != st.in_flight.end()) {
    auto done = std::move(it->second);
    st.in_flight.erase(it);
    for (const auto& [n, ids] : done.shares)
      st.nodes[n].busy -= ids;
    const bool complete
      = done.records && !done.records->empty() && done.records->front().complete;
    if (msg.reason || !complete)
      fail(self, "run of " + batch_name(plan, done.index) + " failed: "
                   + (msg.reason ? error_text(self->system(), msg.reason) : "incomplete"));
    // Complete or not: a failed sweep reports what its batches completed.
    if (done.records && done.records->size() == plan.batches[done.index].reps)
      take(st, done.index, std::move(*done.records));
    fill(self);
    return;
  }
  for (size_t n = 0; n < st.nodes.size(); ++n)
    if (st.nodes[n].alive && st.nodes[n].agent.address() == msg.source) {
      // Its batches see their workers go and apply [faults] on_worker_loss.
      st.nodes[n].alive = false;
      if (st.failure.empty())
        log_line("node " + std::to_string(n) + " (" + std::to_string(st.nodes[n].capacity)
                 + " worker ids) left the pool; " + std::to_string(pool_capacity(st, false))
                 + " ids remain");
      fill(self);
      return;
    }
}

caf::behavior coordinator(coordinator_ptr self, coordinator_spec spec) {
  auto& st = self->state;
  st.spec = std::move(spec);
  const auto& plan = *st.spec.plan;
  st.records.resize(plan.runs());
  st.max_in_flight = plan.config.runtime.max_concurrent_runs > 0
                       ? static_cast<size_t>(plan.config.runtime.max_concurrent_runs)
                       : 4 * size_t{plan.threads};
  self->set_down_handler([self](caf::down_msg& msg) { on_down(self, msg); });
  // The published interface is the server's; the rest of it is not ours.
  self->set_default_handler(caf::drop);
  return {
    // From the waiter once serve has said where it listens, so that the lines
    // about the pool come after that one.
    [self](atom::next) {
      if (self->current_sender() == self->state.spec.waiter.address())
        fill(self);
    },
    [self](atom::describe) { return self->state.spec.description; },
    // A node's blocks give their door to their batch's server, not here.
    [self](atom::join, uint32_t count, const link_address&) -> caf::result<uint32_t> {
      auto& st = self->state;
      auto agent = caf::actor_cast<caf::actor>(self->current_sender());
      if (count < 1 || !agent)
        return caf::make_error(caf::sec::invalid_argument,
                               "coordinator: a node needs 1 or more worker ids");
      if (!st.failure.empty())
        return caf::make_error(caf::sec::invalid_argument, "coordinator: the sweep failed");
      st.nodes.push_back({agent, count});
      self->monitor(agent);
      log_line("node " + std::to_string(st.nodes.size() - 1) + " joined with "
               + std::to_string(count) + " worker ids; the pool holds "
               + std::to_string(pool_capacity(st, false)));
      fill(self);
      return static_cast<uint32_t>(st.nodes.size() - 1);
    },
    [self](batch_report& report) {
      auto& st = self->state;
      auto it = st.in_flight.find(caf::actor_cast<caf::actor_addr>(self->current_sender()));
      if (it != st.in_flight.end())
        it->second.records = std::move(report.records);
    },
    [self](atom::deadline, uint64_t token) { on_deadline(self, token); },
  };
}

struct node_state {
  static inline const char* name = "lsgd.node";
  const run_plan* plan = nullptr;
  server_actor coordinator;
  const node_door* door = nullptr;
};

// A node's agent: joins the pool, spawns the blocks of every batch it is
// assigned, and quits when the coordinator does (with its reason).
caf::behavior node_agent(caf::stateful_actor<node_state>* self, const run_plan* plan,
                         server_actor coordinator, uint32_t workers, const node_door* door) {
  self->state.plan = plan;
  self->state.door = door;
  self->state.coordinator = coordinator;
  self->monitor(coordinator);
  self->set_down_handler([self](caf::down_msg& d) {
    if (d.source == self->state.coordinator.address())
      self->quit(d.reason);
  });
  self->request(coordinator, std::chrono::seconds(60), atom::join_v, workers, link_address{})
    .then([](uint32_t) {}, [self](caf::error& e) { self->quit(e); });
  return {
    [self](atom::assign, uint32_t index, uint32_t count, caf::actor srv) {
      const auto& plan = *self->state.plan;
      if (index >= plan.batches.size() || count < 1 || !srv) {
        log_line("dropped an assignment of batch " + std::to_string(index)
                 + " that the plan here does not hold");
        return;
      }
      // One actor per thread, unless a model message would get too large; the
      // server assigns the ids on join.
      const uint32_t per_actor
        = ids_per_actor(count, plan.threads, id_bytes(plan, plan.batches[index].reps));
      say_if_split(count, per_actor, plan.threads);
      auto server_handle = caf::actor_cast<server_actor>(srv);
      for (uint32_t first = 0; first < count; first += per_actor) {
        auto ws = block_spec(plan, index, std::min(per_actor, count - first));
        give_door(ws, self->state.door);
        self->system().spawn(worker, std::move(ws), server_handle);
      }
    },
  };
}

} // namespace

caf::actor spawn_coordinator(caf::actor_system& sys, coordinator_spec spec) {
  return sys.spawn(coordinator, std::move(spec));
}

int host_sweep(caf::actor_system& sys, server_actor coordinator, const run_plan& plan,
               uint32_t workers, const node_door* door) {
  caf::scoped_actor self{sys};
  auto agent = sys.spawn(node_agent, &plan, coordinator, workers, door);
  self->monitor(agent);
  caf::error reason;
  self->receive([&](caf::down_msg& d) { reason = std::move(d.reason); });
  if (!reason || reason == caf::exit_reason::normal)
    return exit_code::done;
  const auto why = reason == caf::exit_reason::remote_link_unreachable
                     ? std::string("lost the connection to the server")
                     : error_text(sys, reason);
  std::fprintf(stderr, "localsgd: the sweep ended badly: %s\n", why.c_str());
  return exit_code::run_failed;
}

} // namespace lsgd
