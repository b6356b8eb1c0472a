// The open round's traces, reduced chunk by chunk as they arrive: the
// recorded steps of the round in chunks of steps_per_chunk, each chunk's
// snapshots summed in worker-id order (block_sum) and handed out in chunk
// order once every block taking part sent it or was lost. Only the chunks
// in flight are held, never a whole round's snapshots. No CAF.
#pragma once

#include "actors/block_sum.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace lsgd {

class trace_chunks {
public:
  /// The round's recorded steps, `steps_per_chunk` (>= 1) per chunk, d
  /// traced entries per column, over `reps` x the ids of `slots`.
  void open(std::vector<uint64_t> steps, size_t steps_per_chunk, Eigen::Index d, uint32_t reps,
            uint32_t workers, std::vector<block_sum::slot> slots);

  size_t chunks() const;
  size_t steps_per_chunk() const { return per_chunk_; }
  /// The recorded steps of chunk `c`.
  std::vector<uint64_t> steps_of(size_t c) const;
  /// Index of chunk c's first step in the round's recorded steps.
  size_t first_step_index(size_t c) const { return c * per_chunk_; }

  /// The chunk the block starting at `first` owes next; chunks() if none.
  size_t owed_by(uint32_t first) const;
  /// Block `first` sent chunk owed_by(first): every column (d x (steps x
  /// reps x count), column (s * reps + r) * count + k), or, if `averaged`
  /// (a block of all N ids), the averages (d x (steps x reps)). Sizes are
  /// the caller's to check.
  void give(uint32_t first, bool averaged, param_bytes values);
  /// Block `first` sends nothing more this round.
  void withdraw(uint32_t first);

  /// The averages of the lowest chunk not yet taken, once it is complete:
  /// its index and d x (steps x reps), column s * reps + r. nullopt if it is
  /// not complete or every chunk was taken; `none_added` if every block of
  /// it was lost (the caller decides what the round then means).
  struct complete_chunk {
    size_t index = 0;
    Eigen::MatrixXd means;
    bool none_added = false;
  };
  std::optional<complete_chunk> take();
  /// Every chunk was taken.
  bool finished() const { return taken_ == chunks(); }

  /// After open: the round's traces come summed along a chain of blocks. No
  /// block owes any itself (owed_by is chunks()); the averages of each chunk
  /// come whole, in chunk order (give_means).
  void chain();
  bool chained() const { return chained_; }
  /// The chunk whose averages the chain owes next.
  size_t next_means() const { return means_; }
  /// The averages of chunk next_means(), d x (steps x reps).
  void give_means(param_bytes means);
  /// The chain lost a block: from chunk next_means() on every block still
  /// taking part owes its own snapshots, as in the star. Returns that chunk.
  size_t to_star();

private:
  struct chunk {
    block_sum sum;
    std::optional<param_bytes> averaged;
  };
  chunk& at(size_t c);

  std::vector<uint64_t> steps_;
  size_t per_chunk_ = 1;
  Eigen::Index d_ = 0;
  uint32_t reps_ = 0;
  uint32_t workers_ = 0;
  std::vector<block_sum::slot> slots_; // taking_part false once lost
  std::map<uint32_t, size_t> owed_;    // by first id of a slot taking part
  std::map<size_t, chunk> open_;       // chunks some block sent, not yet taken
  size_t taken_ = 0;
  bool chained_ = false;
  size_t means_ = 0; // chained: chunks whose averages came
};

} // namespace lsgd
