// The protocol between schedule, server and workers: message types, their
// CAF type IDs, and the typed actor interfaces.
//
//   worker block                 server                      schedule
//       |  describe() ----------->  |                            |  only from another node
//       |  <---------- run description (config, method, N)       |
//       |  join(count, door) ---->  |                            |
//       |  <------------ first id   |                            |
//       |                           |  next(0) ----------------> |  once N workers joined
//       |                           |  <--------------- epoch 1  |
//       |  <---- stream state       |                            |  resumed or replacement only
//       |  <---- epoch r, averages  |                            |  x0 for r = 1
//       |  (local steps tau_{r-1} .. tau_r)                      |
//       |  trace r (snapshots) ---> |                            |  monitoring, in chunks:
//       |  <---- proceed(r, c)      |                            |  chunk c-1 was reduced
//       |  model r -------------->  |                            |
//       |                           |  average in worker-id order, record F(xbar) - F*
//       |                           |  next(r) ----------------> |  while r < R
//       |                           |  <------------- epoch r+1  |
//       |  <---- exit (user_shutdown) after round R; the server then quits.
//
// With [cluster] reduction = "chain" the models do not go to the server: the
// blocks, ordered by first worker id, pass a running sum along, in chunks of
// rows, and only the last one sends (the finished sums) to the server.
//
//   server           block A (ids 0..a-1)      block B (a..b-1)    last block
//     | route(r) ------> |  ------------------->  |  -------------->  |  before epoch r
//     | <--- ready(r)    |  (after its traces, along the chain too)   |
//     |                  |  chunk(r, rows) ----->  |  chunk ------->   |  continued with
//     | <----------------------------------------------------- chunk  |  each block's ids
//     | divides (chain_average) exactly as the star; epoch r+1 to every block
//     | (without averages when the route says relay: the averages go to the
//     | first block in average_chunks, and each block passes them on as they
//     | arrive, so the server sends one model a round, not one per block)
//     | <--- link_down(r): a block's handle to the next one died (see the atom)
//     | fallback(r, c) -> every surviving block: a block (or a link) was lost in round r,
//     |                  send your traces from chunk c on and your model (the
//     |                  star) for this round instead; in a relayed round the
//     |                  blocks not ready get epoch r with its averages again,
//     |                  directly (a block that started r ignores it).
//
// The traces go the same way (chain_trace: a running sum per trace chunk,
// passed on as soon as the block ran the chunk), unless one block hosts all
// N ids and sends the averages itself.
//
// One server runs a batch of repetitions of the same (method, N) at once, so
// that a round's messages serve all of them; a worker block hosts consecutive
// worker ids of every repetition of the batch (one column each, repetition-
// major). Models and snapshots carry their first worker id, so the server
// places every column by id and the numbers never depend on how ids are
// grouped or which actor sent them first. Parameters travel as raw bytes (see param_bytes.hpp), never as
// CAF-serialized doubles, so the same messages can cross the network.
#pragma once

#include "actors/run_data.hpp"
#include "messages/param_bytes.hpp"

#include <caf/all.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace lsgd {

/// The local steps of round `round` (1-based): step indices first_step ..
/// last_step - 1, i.e. from tau_{round-1} to tau_round; `rounds` is R.
/// If `report_streams`, the models of this round come with the positions of
/// their random streams (the server writes a checkpoint after the round).
/// The round's recorded steps are traced in chunks of `trace_steps` steps,
/// one trace message each; a block may run chunks 0 .. trace_credit - 1, and
/// each proceed(round, c) lets it run up to chunk c - 1. So the server holds
/// the snapshots of a chunk or two, never those of a whole round.
struct epoch {
  uint32_t round = 0;
  uint32_t rounds = 0;
  uint64_t first_step = 0;
  uint64_t last_step = 0;
  bool report_streams = false;
  uint32_t trace_steps = 1;
  uint32_t trace_credit = 1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, epoch& x) {
  return f(caf::meta::type_name("lsgd.epoch"), x.round, x.rounds, x.first_step,
           x.last_step, x.report_streams, x.trace_steps, x.trace_credit);
}

/// The models of workers first_worker .. first_worker + workers - 1 of every
/// repetition of the batch at the end of round `round`: a column-major
/// (model size x (reps * workers)) matrix, repetition-major; or, if
/// `averaged` (only a block that hosts all N workers may send it), the
/// round's averages themselves (model size x reps), summed in worker-id order
/// exactly as the server would: reps columns to send and check, not N x reps.
/// `positions`: empty, or (when the epoch asked) the position of every
/// column's random stream, in column order.
struct model {
  uint32_t round = 0;
  uint32_t first_worker = 0;
  uint32_t workers = 0;
  param_bytes values;
  std::vector<uint64_t> positions;
  bool averaged = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, model& x) {
  return f(caf::meta::type_name("lsgd.model"), x.round, x.first_worker, x.workers,
           x.values, x.positions, x.averaged);
}

/// Where a block's random streams must continue from, sent before its first
/// epoch when that is not the start of fresh streams: a run resumed from a
/// checkpoint, or a replacement for lost workers. Per column (column order)
/// a position; per worker id of the block an incarnation (see random_stream).
struct stream_state {
  uint32_t first_worker = 0;
  uint32_t workers = 0;
  std::vector<uint64_t> positions;
  std::vector<uint32_t> incarnations;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_state& x) {
  return f(caf::meta::type_name("lsgd.stream_state"), x.first_worker, x.workers,
           x.positions, x.incarnations);
}

/// Monitoring, not communication: the iterates (first d entries of the
/// models) of a block after each recorded step of one chunk of round
/// `round` (see epoch), step-major.
/// Per step a (d x (reps * workers)) matrix; or, if `averaged` (only a block
/// that hosts all N workers may send it), the virtual averages themselves,
/// (d x reps), computed in worker-id order exactly as the server would.
struct trace {
  uint32_t round = 0;
  uint32_t first_worker = 0;
  uint32_t workers = 0;
  bool averaged = false;
  std::vector<uint64_t> steps;
  param_bytes snapshots;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, trace& x) {
  return f(caf::meta::type_name("lsgd.trace"), x.round, x.first_worker, x.workers,
           x.averaged, x.steps, x.snapshots);
}

/// Chain reduction: rows [first_row, first_row + rows) of the running sum,
/// for `groups` columns (one per repetition), over worker ids 0 .. next - 1
/// of which `added` were added (the rest took no part), in round `round`.
/// `sum` holds rows x groups doubles column-major (none while added is 0).
/// A model travels in many of these (chain_chunks), so no message approaches
/// BASP's 32-bit payload length whatever d x reps is.
struct chain_chunk {
  uint32_t round = 0;
  uint64_t first_row = 0;
  uint64_t rows = 0;
  uint32_t groups = 0;
  uint32_t next = 0;
  uint32_t added = 0;
  param_bytes sum;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chain_chunk& x) {
  return f(caf::meta::type_name("lsgd.chain_chunk"), x.round, x.first_row, x.rows, x.groups,
           x.next, x.added, x.sum);
}

/// Where a join node's neighbours in a chain reach it directly: its door,
/// published on the address it reaches the server from (see
/// runtime/exec/node_door.hpp). An empty host: nowhere (one process, or a
/// node without a door); messages to it then go through the server.
struct link_address {
  std::string host;
  uint16_t port = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, link_address& x) {
  return f(caf::meta::type_name("lsgd.link_address"), x.host, x.port);
}

/// Chain reduction, sent to each taking-part block before its epoch: where
/// its running sum comes from and goes to in round `round`. `prev`: the block
/// before it (none: it starts the sum, every id before its own excluded);
/// its sum ends at id `from`, ids from .. own first - 1 take no part. `next`:
/// the block after it (none: the last, it sends to the server). Chunks of at
/// most `chunk_bytes` bytes (chain_chunks). `relay`: the epoch of the round
/// comes without averages; they arrive in average_chunks from `prev` (from
/// the server if none) and go on to `next` (actors/average_relay.hpp).
/// `prev_door`, `next_door`: where their nodes take direct connections; of
/// two nodes, the one with the lower door connects to the other (or the one
/// without a door), once, so that the link does not go through the server
/// and never both connect (actors/worker.cpp, connect_to).
struct chain_route {
  uint32_t round = 0;
  caf::actor prev;
  caf::actor next;
  uint32_t from = 0;
  uint64_t chunk_bytes = 0;
  bool relay = false;
  link_address prev_door{};
  link_address next_door{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chain_route& x) {
  return f(caf::meta::type_name("lsgd.chain_route"), x.round, x.prev, x.next, x.from,
           x.chunk_bytes, x.relay, x.prev_door, x.next_door);
}

/// A relayed chain round: rows [first_row, first_row + rows) of the averages
/// its epoch starts from, for `groups` columns (one per repetition), `values`
/// rows x groups doubles column-major. A chunk of chain_chunks.
struct average_chunk {
  uint32_t round = 0;
  uint64_t first_row = 0;
  uint64_t rows = 0;
  uint32_t groups = 0;
  param_bytes values;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, average_chunk& x) {
  return f(caf::meta::type_name("lsgd.average_chunk"), x.round, x.first_row, x.rows, x.groups,
           x.values);
}

/// Chain reduction: the block's models of round `round` are ready and held
/// for the chain (sent after its traces); `positions` as in model.
struct chain_ready {
  uint32_t round = 0;
  uint32_t first_worker = 0;
  uint32_t workers = 0;
  std::vector<uint64_t> positions;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chain_ready& x) {
  return f(caf::meta::type_name("lsgd.chain_ready"), x.round, x.first_worker, x.workers,
           x.positions);
}

/// Chain reduction of the traces: `sum` is rows of the running sum of trace
/// chunk `chunk` of round sum.round (see epoch): d rows, one column per
/// (recorded step of the chunk, repetition), column step * reps + rep, in
/// row chunks as a model's (actors/trace_link.hpp).
struct chain_trace {
  uint32_t chunk = 0;
  chain_chunk sum;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, chain_trace& x) {
  return f(caf::meta::type_name("lsgd.chain_trace"), x.chunk, x.sum);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_description& x) {
  return f(caf::meta::type_name("lsgd.run_description"), x.config, x.file, x.overrides,
           x.method, x.N, x.layout_threads);
}

} // namespace lsgd

CAF_BEGIN_TYPE_ID_BLOCK(lsgd, caf::first_custom_type_id)
  CAF_ADD_TYPE_ID(lsgd, (lsgd::param_bytes))
  CAF_ADD_TYPE_ID(lsgd, (lsgd::epoch))
  CAF_ADD_TYPE_ID(lsgd, (lsgd::model))
  CAF_ADD_TYPE_ID(lsgd, (lsgd::trace))
  CAF_ADD_TYPE_ID(lsgd, (lsgd::run_description))
  CAF_ADD_TYPE_ID(lsgd, (lsgd::stream_state))
  CAF_ADD_TYPE_ID(lsgd, (lsgd::chain_chunk))
  CAF_ADD_TYPE_ID(lsgd, (lsgd::chain_route))
  CAF_ADD_TYPE_ID(lsgd, (lsgd::chain_ready))
  CAF_ADD_TYPE_ID(lsgd, (lsgd::chain_trace))
  CAF_ADD_TYPE_ID(lsgd, (lsgd::average_chunk))
  CAF_ADD_TYPE_ID(lsgd, (lsgd::link_address))

  // join(count, door): a worker block asks for `count` consecutive worker
  // ids; `door` is where its node takes direct links (link_address).
  CAF_ADD_ATOM(lsgd, lsgd::atom, join, "join")
  // next(r): the server finished round r and asks for epoch r + 1.
  CAF_ADD_ATOM(lsgd, lsgd::atom, next, "next")
  // proceed(r, c): a block may run the trace chunks of round r below c.
  CAF_ADD_ATOM(lsgd, lsgd::atom, proceed, "proceed")
  // describe(): a node that wants to join asks the server for the run.
  CAF_ADD_ATOM(lsgd, lsgd::atom, describe, "describe")
  // deadline(r): the server's own timer for round r; deadline(0): for all
  // N workers to join (serve's join timeout).
  CAF_ADD_ATOM(lsgd, lsgd::atom, deadline, "deadline")
  // fallback(r, c): chain reduction: a block of round r was lost; every block
  // sends its traces of round r from trace chunk c on and its model to the
  // server (the star) instead.
  CAF_ADD_ATOM(lsgd, lsgd::atom, fallback, "fallback")
  // link_down(r): chain reduction: a block's handle to the next block of
  // round r died while the next block lives (CAF drops the proxies of a node
  // when a redundant direct connection to it closes, and with them what was
  // sent through them), so the server sends round r to the star.
  CAF_ADD_ATOM(lsgd, lsgd::atom, link_down, "linkdown")
  // assign(batch, count, server): a whole sweep's coordinator tells a node to
  // host `count` worker ids of plan batch `batch`, joining `server` (a
  // server_actor carried as caf::actor); see runtime/exec/sweep.hpp.
  CAF_ADD_ATOM(lsgd, lsgd::atom, assign, "assign")
CAF_END_TYPE_ID_BLOCK(lsgd)

namespace lsgd {

/// Emits the epochs of one communication schedule, one per request.
using schedule_actor
  = caf::typed_actor<caf::replies_to<atom::next, uint32_t>::with<epoch>>;

/// Hosts a block of workers: runs an epoch's local steps from the given
/// averages (model size x reps), sending a trace per chunk of recorded steps
/// as far as the server allows, then its models (or, in a chain, its link
/// of the running sum: actors/chain_link.hpp).
using worker_actor
  = caf::typed_actor<caf::reacts_to<epoch, param_bytes>, caf::reacts_to<stream_state>,
                     caf::reacts_to<atom::proceed, uint32_t, uint32_t>,
                     caf::reacts_to<chain_route>, caf::reacts_to<chain_chunk>,
                     caf::reacts_to<atom::fallback, uint32_t, uint32_t>,
                     caf::reacts_to<chain_trace>, caf::reacts_to<average_chunk>>;

/// Collects the models of a round, averages them in worker-id order and
/// records the error; assigns worker ids on join; describes its run to
/// nodes that want to join.
using server_actor
  = caf::typed_actor<caf::replies_to<atom::join, uint32_t, link_address>::with<uint32_t>,
                     caf::replies_to<atom::describe>::with<run_description>,
                     caf::reacts_to<trace>, caf::reacts_to<model>,
                     caf::reacts_to<atom::deadline, uint32_t>,
                     caf::reacts_to<chain_ready>, caf::reacts_to<chain_chunk>,
                     caf::reacts_to<chain_trace>, caf::reacts_to<atom::link_down, uint32_t>>;

} // namespace lsgd
