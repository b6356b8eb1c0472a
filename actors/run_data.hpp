// The plain data of a run, shared by the actors, the launcher and the result
// and checkpoint writers: what a run produced, what a checkpoint holds, what
// the server does when workers are lost. No CAF here, so that code which only
// stores or reports runs does not depend on the actor system.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lsgd {

/// The rounds of a batch, the same for every one of its repetitions: where
/// each ended and how many workers it averaged. Its records share one copy
/// (experiment S holds 150 repetitions x 1001 rounds of sync per batch), and
/// a copy a record holds is never changed: whoever extends it, copies it.
struct batch_rounds {
  std::vector<uint64_t> steps;   // tau_0 .. tau_R
  std::vector<uint32_t> workers; // workers averaged at tau_r (index 0: N)
  bool operator==(const batch_rounds& o) const {
    return steps == o.steps && workers == o.workers;
  }
};

/// What one run produced; written by the server as rounds complete.
struct run_record {
  std::vector<double> trajectory;    // F(xbar_t) - F* at record_plan::steps()
  std::vector<double> round_errors;  // F(xbar) - F* after averaging at tau_r
  std::shared_ptr<const batch_rounds> rounds; // shared with the batch's other records
  uint64_t messages = 0;             // models sent between server and workers
  uint64_t bytes = 0;                // their parameter bytes
  double wall_seconds = 0;           // the batch's wall time / its repetitions
  bool complete = false;

  const std::vector<uint64_t>& round_steps() const { return of_rounds().steps; }
  const std::vector<uint32_t>& round_workers() const { return of_rounds().workers; }

private:
  const batch_rounds& of_rounds() const {
    static const batch_rounds none;
    return rounds ? *rounds : none;
  }
};

/// Megabytes of snapshots per trace message, all blocks of a batch together
/// (at least one recorded step): what the server holds of a round's
/// monitoring is one or two of them (see set_trace_chunks in server.cpp).
constexpr double default_trace_chunk_mb = 8;

/// What the server does when workers are lost (their process or node went
/// down, they sent an invalid model, or they missed a round's deadline).
struct fault_policy {
  /// false: the run fails with a clear error (the completed rounds are kept);
  /// true: the round completes with the survivors, and a worker that joins
  /// later takes over lost ids from the next round on.
  bool continue_on_loss = false;
  /// A round may take deadline_factor x its steps x the slowest time per
  /// step seen in a completed round, but at least deadline_floor seconds.
  /// Before any round completed no rate is known: first_round_deadline.
  double deadline_factor = 10;
  double deadline_floor = 60;
  double first_round_deadline = 3600;

  /// Seconds a round of `steps` local steps may take, given the slowest
  /// seconds per step of a completed round so far (0: none completed yet).
  /// The server's deadlines and the simulated stragglers both use it.
  double allowed_seconds(uint64_t steps, double slowest_step) const {
    const double by_rate = slowest_step <= 0
                             ? first_round_deadline
                             : deadline_factor * static_cast<double>(steps) * slowest_step;
    return by_rate > deadline_floor ? by_rate : deadline_floor;
  }
};

/// Losses an in-process simulation injects into one batch ([faults.inject],
/// runtime/plan/fault_plan.hpp): the server applies them at the start of
/// their round with the same code that handles a node that went down, so
/// the loss policy decides what follows.
struct injected_faults {
  struct loss {
    uint32_t round = 0;  // lost at the start of this round: it takes no part in it
    uint32_t worker = 0; // the id, whoever hosts it then
    std::string why;     // for the log and the error
  };
  /// A replacement joins at the start of `round` and takes the lowest free
  /// id, which the plan computed as `worker` (the server checks it).
  struct rejoin {
    uint32_t round = 0;
    uint32_t worker = 0;
  };
  std::vector<loss> losses;     // by round, then id
  std::vector<rejoin> rejoins;  // by round, then id
  bool empty() const { return losses.empty() && rejoins.empty(); }
};

/// Everything exact continuation needs after `rounds_completed` rounds: the
/// averages the next round starts from, where every random stream stands,
/// and the records so far. Streams of lost worker ids restart in a new
/// incarnation, so the positions of lost workers are never needed.
struct server_checkpoint {
  uint32_t rounds_completed = 0;
  Eigen::MatrixXd averages;           // model size x reps
  std::vector<uint64_t> positions;    // reps * N: column r * N + worker id
  std::vector<uint32_t> incarnations; // per worker id
  std::vector<run_record> records;    // per repetition; complete after the last round
};

/// What a node needs to host workers of a run it did not start: the config
/// (TOML text as given, plus --set overrides), the method and N. Every node
/// builds the same run from it, so worker ids mean the same everywhere.
struct run_description {
  std::string config;
  std::string file; // names the config in error messages
  std::vector<std::string> overrides;
  std::string method;
  uint32_t N = 0;
  /// The thread count the run's batches were laid out for (they depend on
  /// it, the numbers do not): a resumed run keeps the layout of its
  /// checkpoints whatever --threads it runs with. 0: not fixed yet.
  uint32_t layout_threads = 0;
};

/// Every run of a plan: the launcher's answer.
struct execution_result {
  std::vector<run_record> records; // one per run, at plan.run_index(entry, rep)
  double wall_seconds = 0;
};

} // namespace lsgd
