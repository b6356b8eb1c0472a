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
  for (size_t j = 0; j < count; ++j) {
    const auto& s = streams[j];
    const auto w = s.lane();
    if (s.kind() != generator_kind::philox4x32_boxmuller || s.position() != slot_
        || w.key[0] != key_[0] || w.key[1] != key_[1])
      return;
  }
  const size_t lanes = (count + multiple - 1) / multiple * multiple;
  c1_.reserve(lanes);
  c2_.reserve(lanes);
  c3_.reserve(lanes);
  for (size_t j = 0; j < lanes; ++j) {
    const auto w = streams[j < count ? j : 0].lane();
    c1_.push_back(w.c1);
    c2_.push_back(w.c2);
    c3_.push_back(w.c3);
  }
  usable_ = true;
}

simd::lane_streams stream_lanes::at(uint64_t slot) const {
  return {{key_[0], key_[1]}, c1_.data(), c2_.data(), c3_.data(), slot, c1_.size()};
}

} // namespace lsgd
