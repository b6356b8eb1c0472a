// A worker block's link of the chain for the traces: per chunk of recorded
// steps one chain_link over the chunk's snapshots (d rows, a column per
// (step, repetition)), handed on in chunk order. The block's own snapshots
// are kept until the server reduced their chunk, so that a fallback can still
// send them by the star. No sending: the worker actor routes what take() gives.
#pragma once

#include "actors/chain_link.hpp"
#include "messages/protocol.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lsgd {

class trace_link {
public:
  /// The block's ids first .. first + count - 1 of `workers`; d traced
  /// entries; `reps` repetitions.
  trace_link(uint32_t first = 0, uint32_t count = 1, uint32_t workers = 1, Eigen::Index d = 1,
             uint32_t reps = 1);

  /// Round route.round's traces go along the chain: `steps` recorded steps
  /// in chunks of `per_chunk`, the server allowing `credit` chunks ahead (its
  /// epoch). Sums that came early for the round are taken. An error text if
  /// the route cannot be continued (as chain_link::route).
  std::optional<std::string> open(const chain_route& route, size_t steps, size_t per_chunk,
                                  size_t credit);
  /// Keeps the sums that came to `before` ahead of any round (as
  /// chain_link::keep_early).
  void keep_early(trace_link&& before) { early_ = std::move(before.early_); }
  /// Round `round`'s traces go by the star (a block of every id, or no chain).
  void close(uint32_t round);
  /// The open round's traces go along the chain (opened, not abandoned).
  bool on() const { return on_; }

  /// The block ran its next chunk `c`: its snapshots, d x (steps * reps *
  /// count), column (step * reps + rep) * count + k for id first + k.
  void own(size_t c, Eigen::MatrixXd snapshots);
  /// A sum from `sender`: dropped (nullopt) if of an earlier round or one
  /// that goes by the star, kept if of a later one; else an error text if it
  /// is not one the route expects (chunk, shape, order, sender, ids).
  std::optional<std::string> receive(chain_trace x, const caf::actor_addr& sender);
  /// The outgoing sums that can be computed now, in chunk and row order.
  std::vector<chain_trace> take();
  /// The server reduced every chunk below `c`: their snapshots may go.
  void release_below(size_t c);

  /// Fallback from chunk `from` on: nothing more is summed; `out` gets the
  /// block's own snapshots of the chunks it ran from `from` on, in order.
  /// False if one of them was released already (the server said otherwise).
  bool abandon(size_t from, std::vector<std::pair<size_t, Eigen::MatrixXd>>& out);

private:
  size_t chunks() const { return per_chunk_ == 0 ? 0 : (steps_ + per_chunk_ - 1) / per_chunk_; }
  // Chunk c's link, made and routed on first use.
  chain_link& link(size_t c);

  uint32_t first_, count_, workers_, reps_;
  Eigen::Index d_;
  chain_route route_;
  uint32_t round_ = 0; // the last round opened or closed
  bool on_ = false;
  size_t steps_ = 0, per_chunk_ = 0, credit_ = 1;
  std::map<size_t, chain_link> links_;     // chunks not yet handed on in full
  std::map<size_t, Eigen::MatrixXd> own_; // run, not yet reduced by the server
  size_t run_ = 0, passed_ = 0;
  std::vector<std::pair<chain_trace, caf::actor_addr>> early_; // of a later round
};

} // namespace lsgd
