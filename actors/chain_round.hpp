// The server's side of a chain reduction in the open round: which blocks said
// their models are ready, and the finished running sums the last link sends,
// divided chunk by chunk as the star divides (numerics/chain_sum). No CAF.
#pragma once

#include "messages/protocol.hpp"
#include "numerics/chain_sum.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace lsgd {

class chain_round {
public:
  /// Round `round` sums models of `rows` rows, one column per repetition
  /// (`groups`), over `workers` ids, in chunks of at most `chunk_bytes`;
  /// `taking_part` ids are expected in the sums, which end at id `last_end`
  /// (the last link's; the ids after it take no part).
  void open(uint32_t round, Eigen::Index rows, Eigen::Index groups, uint32_t workers,
            Eigen::Index chunk_bytes, uint32_t taking_part, uint32_t last_end);
  /// The open round is reduced by the chain (opened, not fallen back).
  bool on() const { return on_; }
  /// The open round goes to the star instead: a block was lost.
  void fall_back() { on_ = false; }

  void ready(uint32_t first) { ready_.insert(first); }
  bool is_ready(uint32_t first) const { return ready_.count(first) != 0; }

  /// A finished chunk from the last link; an error text if it is not the
  /// next one or does not hold every id taking part.
  std::optional<std::string> give(const chain_chunk& c);
  /// Every chunk arrived.
  bool done() const { return on_ && next_ == chunks_.size(); }
  /// The averages (rows x groups) once done().
  const Eigen::MatrixXd& averages() const { return averages_; }

private:
  bool on_ = false;
  uint32_t round_ = 0, workers_ = 0, taking_part_ = 0, last_end_ = 0;
  Eigen::Index groups_ = 0;
  std::vector<row_chunk> chunks_;
  size_t next_ = 0;
  std::set<uint32_t> ready_;
  Eigen::MatrixXd averages_;
};

} // namespace lsgd
