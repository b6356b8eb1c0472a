// Gathering a block's streams into SIMD lanes.
#include "numerics/stream_lanes.hpp"

namespace lsgd {

stream_lanes::stream_lanes(const random_stream* streams, size_t count, size_t multiple) {
  if (count == 0)
    return;
  const auto first = streams[0].lane();
  key_[0] = first.key[0];
  key_[1] = first.key[1];
  slot_ = streams[0].position();
  // One pass over the streams, checking and gathering: a sync round steps
  // once, so for thousands of columns reading each stream twice cost more
  // than the step (perf: 12% of experiment S in this constructor).
  const size_t lanes = (count + multiple - 1) / multiple * multiple;
  c1_.resize(lanes);
  c2_.resize(lanes);
  c3_.resize(lanes);
  for (size_t j = 0; j < count; ++j) {
    const auto& s = streams[j];
    const auto w = s.lane();
    if (s.kind() != generator_kind::philox4x32_boxmuller || s.position() != slot_
        || w.key[0] != key_[0] || w.key[1] != key_[1]) {
      c1_.clear();
      c2_.clear();
      c3_.clear();
      return;
    }
    c1_[j] = w.c1;
    c2_[j] = w.c2;
    c3_[j] = w.c3;
  }
  for (size_t j = count; j < lanes; ++j) { // padding: the first stream again
    c1_[j] = first.c1;
    c2_[j] = first.c2;
    c3_[j] = first.c3;
  }
  usable_ = true;
}

simd::lane_streams stream_lanes::at(uint64_t slot) const {
  return {{key_[0], key_[1]}, c1_.data(), c2_.data(), c3_.data(), slot, c1_.size()};
}

} // namespace lsgd
