// The server actor: runs a batch of repetitions of one (method, N) and
// averages the models of every round in worker-id order.
#pragma once

#include "messages/protocol.hpp"
#include "numerics/objective.hpp"
#include "numerics/record_plan.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

namespace lsgd {

/// What one run produced; written by the server as rounds complete.
struct run_record {
  std::vector<double> trajectory;    // F(xbar_t) - F* at record_plan::steps()
  std::vector<uint64_t> round_steps; // tau_0 .. tau_R
  std::vector<double> round_errors;  // F(xbar) - F* after averaging at tau_r
  uint64_t messages = 0;             // models sent between server and workers
  uint64_t bytes = 0;                // their parameter bytes
  double wall_seconds = 0;           // the batch's wall time / its repetitions
  bool complete = false;
};

struct server_spec {
  std::shared_ptr<const objective> f;
  Eigen::VectorXd initial_model; // every worker starts from it
  uint32_t workers = 1;          // N
  uint32_t reps = 1;             // repetitions run together in this batch
  record_plan records{1, 1};
  /// One record per repetition, filled in round by round (so that the rounds
  /// completed before a failure can be reported); complete after the last.
  std::vector<std::shared_ptr<run_record>> out;
  /// Told to nodes that ask how to join (distributed runs).
  run_description description;
  /// Set once all N workers have joined, if given.
  std::shared_ptr<std::atomic<bool>> started;
};

struct server_state {
  static inline const char* name = "lsgd.server";

  struct block {
    worker_actor handle;
    uint32_t first = 0;
    uint32_t count = 0;
    bool traced = false;  // its trace of the open round arrived
    bool modeled = false; // its model of the open round arrived
  };

  server_spec spec;
  schedule_actor clock;
  std::vector<block> blocks;
  uint32_t joined = 0;
  epoch current;
  std::vector<uint64_t> traced_steps; // recorded steps of the current epoch
  Eigen::MatrixXd traces;      // d x (steps * reps * N): column (s * reps + r) * N + worker
  Eigen::MatrixXd trace_means; // d x (steps * reps), from a block hosting all N workers
  bool traces_averaged = false;
  Eigen::MatrixXd models;   // model size x (reps * N): column r * N + worker
  Eigen::MatrixXd averages; // model size x reps
  Eigen::MatrixXd scratch;
  std::vector<double> errors; // scratch: errors of a batch of averages
  uint32_t traced = 0;   // workers whose trace arrived this round
  uint32_t received = 0; // workers whose model arrived this round
  uint32_t completed_rounds = 0;
  std::chrono::steady_clock::time_point started;
};

/// Waits for N worker ids to join, then drives the rounds of `clock` and
/// records the error of the average at every round and recorded step.
server_actor::behavior_type server(server_actor::stateful_pointer<server_state> self,
                                   server_spec spec, schedule_actor clock);

} // namespace lsgd
