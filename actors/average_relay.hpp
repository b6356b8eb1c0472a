// A worker block's part in a relayed chain round: the averages the round
// starts from come in row chunks from the block before it (the server, for
// the first block), each chunk goes on to the block after it as soon as it
// arrives, and the block starts its epoch once all are in. So the server
// sends one model a round, not one per block, and the broadcast costs about
// one model transfer plus the hops. No sending: the worker actor routes what
// take() gives.
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

class average_relay {
public:
  /// Averages of `rows` rows, one column per repetition (`groups`).
  explicit average_relay(Eigen::Index rows = 1, Eigen::Index groups = 1);

  /// Relays round r.round as `r` says: chunks come from r.prev, or from
  /// `server` if r has none, and go on to r.next (chunks that came early for
  /// the round are taken, see receive). Refuses (error text) a route with
  /// zero chunk bytes.
  std::optional<std::string> route(const chain_route& r, const caf::actor_addr& server);
  /// The round this relay is routed for and still relays; 0 if none.
  uint32_t round() const { return abandoned_ ? 0 : route_.round; }
  /// The averages came another way (the server sent them after a loss):
  /// nothing more is taken or passed on in this round.
  void abandon() { abandoned_ = true; }

  /// A chunk that arrived from `sender`. Dropped (nullopt) if it belongs to
  /// an earlier or abandoned round; kept for later if to a later one (the
  /// block before may get its route first); else an error text if it is not
  /// a chunk the route expects (shape, sender, one that came already).
  /// Chunks may come in any order (see chain_link::receive) and go on in
  /// the order they came.
  std::optional<std::string> receive(average_chunk c, const caf::actor_addr& sender);

  /// The chunks to pass on to the next block now (none for the last).
  std::vector<average_chunk> take();
  /// Every chunk of the routed round arrived.
  bool complete() const { return routed_ && !abandoned_ && in_ == chunks_.size(); }
  /// The averages (rows x groups) once complete().
  const Eigen::MatrixXd& averages() const { return averages_; }
  const chain_route& current() const { return route_; }

private:
  // The chunk's index in chunks_, or an error text.
  std::optional<std::string> check(const average_chunk& c, size_t& index) const;

  Eigen::Index rows_, groups_;
  chain_route route_;
  caf::actor_addr from_; // who sends the chunks: route_.prev or the server
  bool routed_ = false;
  bool abandoned_ = false;
  std::vector<row_chunk> chunks_;
  std::vector<char> got_;          // per chunk of the routed round: it came
  size_t in_ = 0;                  // how many came
  std::vector<average_chunk> out_; // received, not yet passed on
  early_chunks<average_chunk> early_; // of a later round than the routed one
  Eigen::MatrixXd averages_;
};

} // namespace lsgd
