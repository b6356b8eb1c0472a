// A worker block's link of a chain reduction: it takes the running-sum chunks
// of the block before it (ordered by first worker id), continues each with
// the block's own models (numerics/chain_sum) and hands them on, one chunk at
// a time, so every link of the chain works at once. No sending: the worker
// actor routes what take() gives.
#pragma once

#include "actors/early_chunks.hpp"
#include "messages/protocol.hpp"
#include "numerics/chain_sum.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lsgd {

class chain_link {
public:
  /// The block this link sums for: ids first .. first + count - 1 of
  /// `workers`, models of `rows` rows and one column per repetition (`groups`).
  chain_link(uint32_t first = 0, uint32_t count = 1, uint32_t workers = 1,
             Eigen::Index rows = 1, Eigen::Index groups = 1);

  /// Takes part in round r.round as `r` says (chunks that came early for it
  /// are taken, see receive). Refuses (error text) a route that cannot be
  /// continued: `from` after the block's first id, or zero chunk bytes.
  std::optional<std::string> route(const chain_route& r);
  /// Keeps the chunks that came to `before` ahead of any route: a block's
  /// link is made once the server assigned its ids, and the block before it
  /// may send first (another path).
  void keep_early(chain_link&& before) { early_ = std::move(before.early_); }
  /// The round this link is routed for and still sums (not fallen back);
  /// 0 if none.
  uint32_t round() const { return abandoned_ ? 0 : route_.round; }
  /// The open round went to the star (fallback): nothing more is summed.
  void abandon() { abandoned_ = true; }

  /// A chunk that arrived from `sender`. Dropped (nullopt) if it belongs to
  /// an earlier or abandoned round; kept for later if to a later one (a
  /// route may come after the chunks of a fast block before it); else an
  /// error text if it is not a chunk the route expects (shape, sender, ids,
  /// one that came already). Chunks may come in any order: CAF sends them
  /// through the server until the direct link to the block before is up,
  /// and then the later ones can overtake the earlier.
  std::optional<std::string> receive(chain_chunk c, const caf::actor_addr& sender);

  /// The block's models of the routed round (rows x groups * count, column
  /// g * count + k for id first + k), valid until the next round.
  void models_ready(const Eigen::MatrixXd* models) { models_ = models; }

  /// The outgoing chunks that can be summed now, in order.
  std::vector<chain_chunk> take();
  /// Every chunk of the routed round was handed on.
  bool finished() const { return next_out_ == chunks_.size(); }
  const chain_route& current() const { return route_; }

private:
  std::optional<std::string> check(const chain_chunk& c) const;

  uint32_t first_, count_, workers_;
  Eigen::Index rows_, groups_;
  chain_route route_;
  bool routed_ = false;
  bool abandoned_ = false;
  std::vector<row_chunk> chunks_;
  std::vector<std::optional<chain_chunk>> in_; // received of the routed round, by chunk
  early_chunks<chain_chunk> early_; // of a later round than the routed one
  const Eigen::MatrixXd* models_ = nullptr;
  size_t next_out_ = 0;
};

} // namespace lsgd
