// Runs a plan on an in-process CAF actor system: every run is a schedule, a
// server and its worker blocks; runs execute concurrently on the threads.
#pragma once

#include "actors/run_errc.hpp"
#include "actors/server.hpp"
#include "actors/worker.hpp"
#include "runtime/store/checkpoint.hpp"
#include "runtime/plan/run_plan.hpp"

#include <stdexcept>
#include <vector>

namespace lsgd {

/// A run failed (an actor quit with an error); what() says which and why,
/// code() what kind of failure it was, finished() the records of the
/// batches that completed before it (the others' records are empty).
class run_error : public std::runtime_error {
public:
  run_error(run_errc code, const std::string& what, execution_result finished = {})
    : std::runtime_error(what), code_(code), finished_(std::move(finished)) {}
  run_errc code() const { return code_; }
  execution_result& finished() { return finished_; }

private:
  run_errc code_;
  execution_result finished_;
};


/// Checkpointing for execute() and serve: where, how often, and whether to
/// continue from what the store holds.
struct checkpointing {
  const checkpoint_store* store = nullptr; // none: no checkpoints
  double interval = 30;                    // seconds between a batch's checkpoints
  bool resume = false;
};

/// The text an actor quit with (our errors carry one), else CAF's rendering.
std::string error_text(caf::actor_system& sys, const caf::error& e);

/// The server of batch `index` of `plan`, reporting to `report_to`: the
/// config's fault policy, and checkpoints as `ck` says (resuming from `resume`).
server_spec make_server_spec(const run_plan& plan, size_t index, caf::actor report_to,
                             const checkpointing& ck,
                             std::shared_ptr<const server_checkpoint> resume);

/// Across processes, the rounds of `s` go by the config's [cluster] reduction
/// (the chain, or the star); `run` in one process keeps the star.
void use_cluster_reduction(server_spec& s, const run_plan& plan);

/// A worker actor of batch `index` of `plan` hosting `count` ids.
worker_spec block_spec(const run_plan& plan, size_t index, uint32_t count);

/// Spawns the schedule, the server (from `spec`) and the worker blocks of
/// batch `index` of `plan` in `sys`; returns the server.
server_actor spawn_batch(caf::actor_system& sys, const run_plan& plan, size_t index,
                         server_spec spec);

/// Executes every run of `plan`; `progress` prints a progress line to stderr.
/// With ck.resume, batches whose checkpoint is complete are not run again and
/// the others continue from their checkpoints; the numbers equal those of an
/// uninterrupted run. Throws run_error, or checkpoint_error for a checkpoint
/// that cannot be used.
execution_result execute(const run_plan& plan, bool progress, const checkpointing& ck = {});

} // namespace lsgd
