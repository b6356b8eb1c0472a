// The server actor: runs a batch of repetitions of one (method, N), averages
// the models of every round in worker-id order, and keeps the run going (or
// stops it cleanly) when workers fail, send garbage, or stop answering.
#pragma once

#include "actors/run_data.hpp"
#include "messages/protocol.hpp"
#include "numerics/objective.hpp"
#include "numerics/record_plan.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lsgd {

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
  fault_policy faults;
  /// If set, called with a checkpoint after a round when checkpoint_interval
  /// seconds have passed since the last one (0: after every round), and after
  /// the last round with the complete records unless the batch ran shorter
  /// than the interval without a checkpoint. If it throws, the run fails.
  std::function<void(const server_checkpoint&)> save_checkpoint;
  double checkpoint_interval = 0;
  /// Continue from this checkpoint instead of the initial model.
  std::shared_ptr<const server_checkpoint> resume;
  /// One line per rejected message or lost worker; default: stderr.
  std::function<void(const std::string&)> log;
};

struct server_state {
  static inline const char* name = "lsgd.server";

  struct block {
    worker_actor handle;
    uint32_t first = 0;
    uint32_t count = 0;
    bool needs_streams = false; // gets a stream_state before its first epoch
    bool active = false;        // takes part in the open round
    bool lost = false;
    bool traced = false;  // its trace of the open round arrived
    bool modeled = false; // its model of the open round arrived
  };

  server_spec spec;
  schedule_actor clock;
  std::vector<block> blocks;       // in order of joining; lost ones stay
  std::vector<int> owner;          // per worker id: index into blocks, -1 if none
  std::vector<uint32_t> incarnations; // per worker id
  std::vector<uint64_t> positions; // reps * N stream positions, as of the last report
  bool running = false;
  bool finished = false;
  epoch current;
  std::vector<uint64_t> traced_steps; // recorded steps of the current epoch
  Eigen::MatrixXd traces;      // d x (steps * reps * N): column (s * reps + r) * N + worker
  Eigen::MatrixXd trace_means; // d x (steps * reps), from a block hosting all N workers
  bool traces_averaged = false;
  Eigen::MatrixXd models;   // model size x (reps * N): column r * N + worker
  Eigen::MatrixXd averages; // model size x reps
  Eigen::MatrixXd scratch;
  std::vector<double> errors; // scratch: errors of a batch of averages
  std::vector<bool> included; // per worker id: its model of the open round arrived
  std::vector<bool> traced_ids; // per worker id: its trace of the open round arrived
  uint32_t expected = 0; // workers whose models the open round waits for
  uint32_t received = 0; // of them, whose model arrived
  uint32_t completed_rounds = 0;
  using clock_type = std::chrono::steady_clock;
  clock_type::time_point started;
  clock_type::time_point round_started;
  clock_type::time_point deadline_at;
  clock_type::time_point last_checkpoint;
  double slowest_step = 0; // seconds per step, slowest completed round
  bool saved_any = false;  // a checkpoint was written
};

/// Waits for N worker ids to join, then drives the rounds of `clock` and
/// records the error of the average at every round and recorded step.
server_actor::behavior_type server(server_actor::stateful_pointer<server_state> self,
                                   server_spec spec, schedule_actor clock);

} // namespace lsgd
