// Worker-id bookkeeping of the server (see membership.hpp).
#include "actors/membership.hpp"

#include <algorithm>

namespace lsgd {

membership::membership(uint32_t workers) : owner_(workers, -1), incarnations_(workers, 0) {
}

uint32_t membership::free_run() const {
  const auto N = workers();
  uint32_t first = 0;
  while (first < N && owner_[first] >= 0)
    ++first;
  uint32_t run = 0;
  while (first + run < N && owner_[first + run] < 0)
    ++run;
  return run;
}

std::optional<uint32_t> membership::join(uint32_t count) {
  if (count < 1 || count > free_run())
    return std::nullopt;
  uint32_t first = 0;
  while (owner_[first] >= 0)
    ++first;
  const auto index = static_cast<int>(blocks_.size());
  blocks_.push_back({first, count, false});
  for (uint32_t w = first; w < first + count; ++w)
    owner_[w] = index;
  return first;
}

void membership::lose(size_t index, bool bump) {
  auto& b = blocks_[index];
  if (b.lost)
    return;
  b.lost = true;
  for (uint32_t w = b.first; w < b.first + b.count; ++w) {
    owner_[w] = -1;
    if (bump)
      ++incarnations_[w];
  }
}

uint32_t membership::alive() const {
  uint32_t n = 0;
  for (const auto& b : blocks_)
    if (!b.lost)
      n += b.count;
  return n;
}

} // namespace lsgd
