#include "numerics/stream_set.hpp"

namespace lsgd {

std::vector<random_stream>& stream_set::columns() {
  if (behind_)
    for (auto& s : streams_)
      s.seek(lanes_->slot());
  behind_ = false;
  lanes_.reset();
  return streams_;
}

std::vector<uint64_t> stream_set::positions() const {
  if (behind_)
    return std::vector<uint64_t>(streams_.size(), lanes_->slot());
  std::vector<uint64_t> out;
  out.reserve(streams_.size());
  for (const auto& s : streams_)
    out.push_back(s.position());
  return out;
}

const stream_lanes* stream_set::lanes(size_t multiple) {
  if (!lanes_ || multiple_ != multiple) {
    columns(); // the streams stand where the old lanes did
    lanes_.emplace(streams_.data(), streams_.size(), multiple);
    multiple_ = multiple;
  }
  return lanes_->usable() ? &*lanes_ : nullptr;
}

void stream_set::lanes_moved_to(uint64_t slot) {
  lanes_->move_to(slot);
  behind_ = true;
}

} // namespace lsgd
