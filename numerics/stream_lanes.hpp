// A block's Philox4x32 streams gathered as SIMD lanes, and recorded-step segments.
#pragma once

#include "numerics/objective.hpp"
#include "numerics/simd/kernels.hpp"

#include <cstdint>
#include <vector>

namespace lsgd {

/// The counter words of `count` streams as the lanes of simd::lane_streams,
/// padded to a multiple of `multiple` lanes (padding repeats the first stream;
/// its results are dropped). usable() is false unless every stream is
/// philox4x32_boxmuller with one key and one position: then the caller steps
/// column by column instead (the same numbers, slower).
class stream_lanes {
public:
  stream_lanes(const random_stream* streams, size_t count, size_t multiple);

  bool usable() const {
    return usable_;
  }
  size_t lanes() const {
    return c1_.size();
  }
  /// The common position of the streams.
  uint64_t slot() const {
    return slot_;
  }
  /// The lanes standing at `slot`.
  simd::lane_streams at(uint64_t slot) const;
  /// The streams have drawn up to `slot` (a kernel used the lanes).
  void move_to(uint64_t slot) {
    slot_ = slot;
  }

private:
  bool usable_ = false;
  uint32_t key_[2] = {0, 0};
  uint64_t slot_ = 0;
  std::vector<uint64_t> c1_, c2_, c3_;
};

/// Splits steps first .. last - 1 at the recorded steps of `sink`, as the
/// column loops check them: run(a, b) performs steps a .. b - 1, then
/// record(s) writes slot s of the sink, for every recorded step in order.
template <class Run, class Record>
void for_segments(const snapshot_sink& sink, uint64_t first, uint64_t last, Run run,
                  Record record) {
  uint64_t t = first;
  for (size_t s = 0; s < sink.count && sink.steps[s] > t && sink.steps[s] <= last; ++s) {
    run(t, sink.steps[s]);
    t = sink.steps[s];
    record(s);
  }
  if (t < last)
    run(t, last);
}

} // namespace lsgd
