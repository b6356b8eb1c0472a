// Whole sweeps across processes: the coordinator that `serve` publishes places
// every batch of a plan on the worker capacity of the joined nodes; the node
// agent of `join` hosts the worker blocks it is assigned.
#pragma once

#include "actors/run_data.hpp"
#include "messages/protocol.hpp"
#include "runtime/exec/node_door.hpp"
#include "runtime/exec/runner.hpp"
#include "runtime/plan/run_plan.hpp"

#include <caf/fwd.hpp>

#include <cstdint>

namespace lsgd {

/// A description with N = 0 and no method names a whole sweep (the config
/// as is, every entry and batch), not one (method, N).
inline bool is_whole_sweep(const run_description& d) { return d.N == 0 && d.method.empty(); }

struct coordinator_spec {
  const run_plan* plan = nullptr; // outlives the actor system
  run_description description;    // told to nodes that ask (a whole sweep's)
  caf::actor waiter;              // gets the execution_result, then sees the coordinator go down
  double join_timeout = 60;       // seconds a batch may wait for a pool that is too small
  checkpointing ck;               // every batch's checkpoints, as in run; resume skips or continues
};

/// The coordinator: answers describe() and join(K) (K worker ids of capacity
/// of the asking node agent, answered with the node's number), and, once its
/// waiter sends it atom::next, runs the plan's batches in plan order, at most max_concurrent_runs (default 4 x
/// threads) at once: each batch's schedule and server run here, its N ids go
/// to the free nodes in order of joining (as many as each has free). Quits
/// normally after the last batch, or with a runtime_error whose context is the
/// line for the user: a batch failed (the others are stopped), or a batch
/// waited join_timeout seconds (from when no batch ran) for a pool whose
/// capacity is below its N. With ck.resume, a batch whose checkpoint holds it
/// finished is taken from it and one that holds some rounds continues from
/// them, as `run --resume` does.
caf::actor spawn_coordinator(caf::actor_system& sys, coordinator_spec spec);

/// A join node in a whole sweep: registers `workers` ids of capacity with
/// `coordinator` and hosts the worker blocks of every batch it is assigned
/// (`plan` built here from the same description). Returns the exit code: 0
/// the sweep completed, 1 it failed or the connection was lost.
/// `door`: where the node takes direct links in a chain (null: none).
int host_sweep(caf::actor_system& sys, server_actor coordinator, const run_plan& plan,
               uint32_t workers, const node_door* door);

} // namespace lsgd
