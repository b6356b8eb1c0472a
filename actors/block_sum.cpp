#include "actors/block_sum.hpp"

#include <cstring>
#include <stdexcept>

namespace lsgd {

block_sum::block_sum(Eigen::Index rows, Eigen::Index groups, uint32_t workers,
                     const std::vector<slot>& slots)
  : sum_(rows, groups, workers) {
  std::vector<const slot*> owner(workers, nullptr);
  for (const auto& s : slots)
    if (s.taking_part)
      for (uint32_t w = s.first; w < s.first + s.count && w < workers; ++w)
        owner[w] = &s;
  // Taking part or not, every id belongs to exactly one entry.
  for (uint32_t w = 0; w < workers;) {
    if (const auto* s = owner[w]) {
      blocks_[w] = entry{s->count, true, false, std::nullopt};
      w += s->count;
    } else {
      uint32_t end = w;
      while (end < workers && !owner[end])
        ++end;
      blocks_[w] = entry{end - w, false, false, std::nullopt};
      w = end;
    }
  }
  drain();
}

bool block_sum::awaits(uint32_t first) const {
  const auto it = blocks_.find(first);
  return it != blocks_.end() && it->second.taking_part && !it->second.given;
}

void block_sum::give(uint32_t first, param_bytes values) {
  if (!awaits(first))
    throw std::invalid_argument("block_sum: values from a block that owes none");
  auto& e = blocks_[first];
  e.given = true;
  e.values = std::move(values);
  drain();
}

void block_sum::give_averages(uint32_t first, param_bytes averages) {
  if (!awaits(first) || blocks_.at(first).count != sum_.workers())
    throw std::invalid_argument("block_sum: averages from a block that does not hold every id");
  blocks_[first].given = true;
  averages_ = std::move(averages);
}

bool block_sum::average(Eigen::Ref<Eigen::MatrixXd> out) const {
  if (!averages_)
    return sum_.average(out);
  if (out.size() * static_cast<Eigen::Index>(sizeof(double))
      != static_cast<Eigen::Index>(averages_->bytes.size()))
    throw std::invalid_argument("block_sum: the averages' shape does not match");
  std::memcpy(out.data(), averages_->bytes.data(), averages_->bytes.size());
  return true;
}

void block_sum::withdraw(uint32_t first) {
  if (!awaits(first))
    return;
  auto& e = blocks_[first];
  e.taking_part = false;
  drain();
}

void block_sum::drain() {
  while (!sum_.done()) {
    auto& e = blocks_.at(sum_.next());
    if (!e.taking_part) {
      sum_.exclude(e.count);
    } else if (e.values) {
      sum_.add(e.count, reinterpret_cast<const double*>(e.values->bytes.data()));
      e.values.reset(); // its bytes are not needed any more
    } else {
      return;
    }
  }
}

} // namespace lsgd
