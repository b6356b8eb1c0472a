// The server actor: runs a batch of repetitions of one (method, N), averages
// the models of every round in worker-id order, and keeps the run going (or
// stops it cleanly) when workers fail, send garbage, or stop answering. A
// repetition whose models turn NaN or Inf diverged: it is recorded as such
// (NaN errors from then on) and the batch goes on.
#pragma once

#include "actors/block_sum.hpp"
#include "actors/chain_round.hpp"
#include "actors/chain_trace.hpp"
#include "actors/checkpoint_timer.hpp"
#include "actors/membership.hpp"
#include "actors/round_tracker.hpp"
#include "actors/run_data.hpp"
#include "actors/trace_chunks.hpp"
#include "messages/protocol.hpp"
#include "numerics/objective.hpp"
#include "numerics/record_plan.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <set>
#include <vector>

namespace lsgd {

struct server_spec {
  std::shared_ptr<const objective> f;
  Eigen::VectorXd initial_model; // every worker starts from it
  uint32_t workers = 1;          // N
  uint32_t reps = 1;             // repetitions run together in this batch
  record_plan recorded_steps{1, 1};
  /// Gets a batch_report (actors/reports.hpp) when the batch ends: the
  /// complete records, or on failure those of the rounds completed so far.
  caf::actor report_to;
  /// Told to nodes that ask how to join (distributed runs).
  run_description description;
  /// Seconds all N workers have to join; 0: no limit. Then the run fails
  /// with run_errc::join_timeout.
  double join_timeout = 0;
  /// serve: log a line once all N workers have joined and the run starts.
  bool announce_start = false;
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
  /// The snapshots of a round travel in chunks of about this many bytes
  /// (all blocks together, at least one recorded step), so that what the
  /// server holds of them stays bounded whatever T and record_every are.
  size_t trace_chunk_bytes = static_cast<size_t>(default_trace_chunk_mb * 1e6);
  /// Losses an in-process simulation injects ([faults.inject]), applied at
  /// the start of their rounds by the code that handles a node going down.
  injected_faults injected;
  /// [cluster] reduction = "chain": the blocks pass the running sum of the
  /// models along in id order (actors/chain_link.hpp) in chunks of at most
  /// chain_chunk_bytes, and only the last sends the sums here; a round that
  /// loses a block goes to the star (fallback). Else the star: every block
  /// sends its models here.
  bool chain = false;
  /// A chain's averages go back along it too: the epoch goes to every block
  /// without them, the averages in chunks to the first block only, and each
  /// block passes them on (actors/average_relay.hpp). The server sends one
  /// model a round instead of one per block. Only in rounds whose blocks
  /// after the first all joined with a door (link_address): else what one
  /// block passes on to the next goes through the server anyway.
  bool relay_averages = false;
  size_t chain_chunk_bytes = static_cast<size_t>(lsgd::chain_chunk_bytes);
  /// Spawns a worker actor that joins `server` for one id: the
  /// replacements of `injected` (needed when it has any).
  std::function<void(server_actor server)> spawn_replacement;
};

struct server_state {
  static inline const char* name = "lsgd.server";

  /// A joined block's actor; members.blocks() holds its ids, same index.
  struct peer {
    worker_actor handle;
    link_address door;          // where its node takes direct links
    bool needs_streams = false; // gets a stream_state before its first epoch
    bool active = false;        // takes part in the open round
  };

  server_spec spec;
  schedule_actor schedule;
  membership members;
  std::vector<peer> peers;
  round_tracker round;
  /// When the deadline timers the server set will fire, earliest first (see
  /// arm_deadline in server.cpp).
  std::multiset<caf::actor_clock::time_point> deadline_timers;
  checkpoint_timer checkpoints{false, 0, false};
  std::vector<run_record> records; // per repetition, filled in round by round
  /// The rounds so far, which the records get when they are reported or
  /// saved (their `rounds` is null until then): one copy for the batch.
  std::shared_ptr<batch_rounds> rounds;
  std::vector<uint64_t> positions; // reps * N stream positions, as of the last report
  bool running = false;
  bool finished = false;
  epoch current;
  std::vector<uint64_t> traced_steps; // recorded steps of the current epoch
  trace_chunks traces;      // the open round's snapshots, reduced chunk by chunk
  block_sum models;         // the open round's models, summed in worker-id order
  chain_round chain;        // or, in a chain, the sums of its last link
  chain_trace_sums trace_sums; // and the sums of its traces
  caf::actor_addr chain_last; // the open round's last link
  /// A relayed round's blocks in chain order (peer indices); empty if its
  /// averages went to every block.
  std::vector<size_t> relay_order;
  Eigen::Index model_size = 0;
  Eigen::MatrixXd averages; // model size x reps
  std::vector<double> errors; // scratch: errors of a batch of averages
  uint32_t completed_rounds = 0;
  /// The epoch that waits for its injected replacements to join, and how
  /// many of them are still to come.
  epoch waiting_epoch;
  uint32_t replacements_awaited = 0;
  /// Per repetition: its average became non-finite (it diverged). From then
  /// on its errors are recorded as NaN; the other repetitions go on as usual.
  std::vector<char> diverged;
  /// Per repetition: in the open round, the first traced step (an index into
  /// traced_steps; traced_steps.size(): its end) at which a received trace
  /// or model of it held NaN or Inf; no_divergence if none did.
  std::vector<size_t> diverging;
  static constexpr size_t no_divergence = static_cast<size_t>(-1);
};

/// Waits for N worker ids to join, then drives the rounds of `schedule` and
/// records the error of the average at every round and recorded step. Fails
/// with a run_errc error (actors/run_errc.hpp) whose context is the sentence.
server_actor::behavior_type server(server_actor::stateful_pointer<server_state> self,
                                   server_spec spec, schedule_actor schedule);

} // namespace lsgd
