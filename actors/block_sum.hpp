// One round's sum over worker ids, fed by blocks' messages in any order:
// added at once when in id order, kept until their turn otherwise. No CAF.
#pragma once

#include "messages/param_bytes.hpp"
#include "numerics/ordered_sum.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace lsgd {

class block_sum {
public:
  /// A block of consecutive ids; `taking_part` false: its ids are excluded.
  struct slot {
    uint32_t first = 0;
    uint32_t count = 0;
    bool taking_part = true;
  };

  block_sum() = default;
  /// Groups of `rows` x 1 columns (e.g. step * reps + rep) over `workers`
  /// ids; ids no slot covers take no part.
  block_sum(Eigen::Index rows, Eigen::Index groups, uint32_t workers,
            const std::vector<slot>& slots);

  /// The values of the block starting at `first` (a slot taking part that
  /// has not given them yet): rows x (groups x count), column g * count + k
  /// for id first + k. The caller checked the size.
  void give(uint32_t first, param_bytes values);
  /// The one block of every id gives the averages themselves (rows x
  /// groups), summed in id order as the sum would be. The caller checked
  /// the size.
  void give_averages(uint32_t first, param_bytes averages);
  /// The block starting at `first` gives nothing (lost before it did).
  void withdraw(uint32_t first);

  /// The slot starting at `first` takes part and has not given or withdrawn.
  bool awaits(uint32_t first) const;
  /// Every id was added or excluded.
  bool done() const { return averages_ || sum_.done(); }
  /// The averages over the ids added (rows x groups); false if none was.
  bool average(Eigen::Ref<Eigen::MatrixXd> out) const;
  uint32_t added() const { return averages_ ? sum_.workers() : sum_.added(); }

private:
  struct entry {
    uint32_t count = 0;
    bool taking_part = true;
    bool given = false;
    std::optional<param_bytes> values; // given early, waiting for its turn
  };
  // Adds or skips every block at next() that can be.
  void drain();

  ordered_sum sum_;
  std::optional<param_bytes> averages_; // given by the block of every id
  std::map<uint32_t, entry> blocks_; // by first id, covering every id
};

} // namespace lsgd
