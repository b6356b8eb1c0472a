// The worker actor: hosts a block of worker ids and runs their local steps.
#pragma once

#include "actors/average_relay.hpp"
#include "actors/chain_link.hpp"
#include "actors/trace_link.hpp"
#include "messages/protocol.hpp"
#include "numerics/local_optimizer.hpp"
#include "numerics/record_plan.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace lsgd {

/// What a worker block needs to know about the run.
struct worker_spec {
  std::shared_ptr<const local_method> method;
  uint64_t seed = 0;
  uint32_t first_rep = 0;     // the batch of repetitions the server runs
  uint32_t reps = 1;
  uint32_t workers = 1;       // how many worker ids this actor hosts
  uint32_t total_workers = 1; // N
  Eigen::Index dimension = 1; // d: the leading entries of a model that are traced
  record_plan recorded_steps{1, 1};
  // Direct links (a join node of a chain): where this node takes them, and
  // the middleman actor (plain or TLS) that connects to another node's door;
  // none in one process, or when the node has no door.
  link_address door{};
  caf::actor connector{};
};

struct worker_state {
  static inline const char* name = "lsgd.worker";
  worker_spec spec;
  block_layout layout;
  std::unique_ptr<local_optimizer> block; // made once the server assigned ids
  Eigen::MatrixXd means;                  // scratch for averaged snapshots
  uint64_t means_step = 0;                // the step whose snapshot `means` averages (0: none)
  std::vector<double> buffer;             // iterates at recorded steps, see worker.cpp
  // The open epoch: its recorded steps, the next chunk to run, how many
  // chunks the server allows so far, and the step the models are at.
  epoch current;
  bool open = false;
  std::vector<uint64_t> recorded;
  size_t next_chunk = 0;
  size_t allowed_chunks = 0;
  uint64_t at = 0;
  chain_link link; // chain reduction: this block's link (made with the block)
  trace_link traces; // and its link for the traces
  // A relayed chain round: its averages come along the chain; the epoch that
  // came without them waits here until they are in.
  average_relay relay;
  std::optional<epoch> waiting;
  uint32_t relayed_round = 0; // the last round whose epoch came without averages
  std::vector<caf::actor_addr> watched; // the next blocks' handles it monitors
  std::vector<std::pair<std::string, uint16_t>> doors; // next nodes' doors it connected to
};

/// Whether a node whose door is `mine` connects to a neighbouring node whose
/// door is `theirs`: the end with the lower door, or the one without a door;
/// neither if `theirs` is none. Never both ends of a link: CAF 0.17 can drop
/// a node's proxies when two connections between the same nodes race (see
/// atom::link_down).
bool connects_to(const link_address& mine, const link_address& theirs);

/// Joins `server` (and quits when it goes down), then for every
/// epoch loads the averages, runs the local steps, sending a trace per
/// chunk of recorded steps as far as the server allows, and then the
/// block's models.
worker_actor::behavior_type worker(worker_actor::stateful_pointer<worker_state> self,
                                   worker_spec spec, server_actor server);

} // namespace lsgd
