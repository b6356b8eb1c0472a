// A block's random streams, kept gathered as SIMD lanes from one round to the next.
#pragma once

#include "numerics/random_stream.hpp"
#include "numerics/stream_lanes.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace lsgd {

/// One random stream per column of a block, and the same streams gathered as
/// SIMD lanes (stream_lanes) while a lane kernel is all that draws from them.
/// A synchronous round steps once: gathering thousands of streams every round
/// and moving each one on afterwards cost more than the step (experiment S),
/// so the lanes stay from round to round and the streams catch up only when
/// something looks at them one by one.
class stream_set {
public:
  stream_set() = default;
  explicit stream_set(std::vector<random_stream> streams) : streams_(std::move(streams)) {
  }

  size_t size() const {
    return streams_.size();
  }

  /// The streams, each at its position, to draw from column by column or to
  /// replace; the gathered lanes are dropped.
  std::vector<random_stream>& columns();

  /// Where every stream stands, column order (the lanes stay).
  std::vector<uint64_t> positions() const;

  /// The streams as lanes padded to a multiple of `multiple`, gathered on
  /// the first call and kept while only lanes are used; nullptr if they
  /// cannot be (stream_lanes::usable).
  const stream_lanes* lanes(size_t multiple);

  /// A lane kernel drew the lanes' streams up to `slot`.
  void lanes_moved_to(uint64_t slot);

private:
  std::vector<random_stream> streams_;
  std::optional<stream_lanes> lanes_;
  size_t multiple_ = 0;   // of lanes_
  bool behind_ = false;   // streams_ stand before lanes_->slot()
};

} // namespace lsgd
