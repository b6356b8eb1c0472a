// The server's end of the traces' chain in the open round: the last link's
// running sums of each chunk of recorded steps, checked and divided row
// chunk by row chunk as the star divides (chain_round), and handed whole to
// trace_chunks in chunk order. No CAF beyond the message.
#pragma once

#include "actors/chain_round.hpp"
#include "actors/trace_chunks.hpp"
#include "messages/protocol.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lsgd {

class chain_trace_sums {
public:
  /// Round `round`, d traced entries, `reps` repetitions over `workers`
  /// ids, in row chunks of at most `chunk_bytes`; `taking_part` ids in the
  /// sums, which end at id `last_end` (as chain_round::open). `averaged`: a
  /// block of every id sends the averages itself, the traces go by the star.
  void open(uint32_t round, Eigen::Index d, uint32_t reps, uint32_t workers,
            Eigen::Index chunk_bytes, uint32_t taking_part, uint32_t last_end, bool averaged);
  /// The open round's traces go along the chain.
  bool on() const { return on_; }
  /// A sum from the last link; an error text if it is not the next row chunk
  /// of chunk traces.next_means(). Gives `traces` the chunk's averages once
  /// all its rows came.
  std::optional<std::string> give(const chain_trace& x, trace_chunks& traces);

private:
  bool on_ = false, summing_ = false;
  uint32_t round_ = 0, reps_ = 1, workers_ = 1, taking_part_ = 0, last_end_ = 0;
  Eigen::Index d_ = 1, chunk_bytes_ = 1;
  chain_round sum_; // of chunk traces.next_means(), while summing_
};

} // namespace lsgd
