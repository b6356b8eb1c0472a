#include "actors/trace_chunks.hpp"

#include <algorithm>
#include <stdexcept>

namespace lsgd {

void trace_chunks::open(std::vector<uint64_t> steps, size_t steps_per_chunk, Eigen::Index d,
                        uint32_t reps, uint32_t workers, std::vector<block_sum::slot> slots) {
  steps_ = std::move(steps);
  per_chunk_ = std::max<size_t>(1, steps_per_chunk);
  d_ = d;
  reps_ = reps;
  workers_ = workers;
  slots_ = std::move(slots);
  owed_.clear();
  for (const auto& s : slots_)
    if (s.taking_part)
      owed_[s.first] = 0;
  open_.clear();
  taken_ = 0;
  chained_ = false;
  means_ = 0;
}

size_t trace_chunks::chunks() const {
  return (steps_.size() + per_chunk_ - 1) / per_chunk_;
}

std::vector<uint64_t> trace_chunks::steps_of(size_t c) const {
  const auto begin = std::min(steps_.size(), c * per_chunk_);
  const auto end = std::min(steps_.size(), begin + per_chunk_);
  return {steps_.begin() + static_cast<std::ptrdiff_t>(begin),
          steps_.begin() + static_cast<std::ptrdiff_t>(end)};
}

size_t trace_chunks::owed_by(uint32_t first) const {
  if (chained_)
    return chunks();
  const auto it = owed_.find(first);
  return it == owed_.end() ? chunks() : it->second;
}

trace_chunks::chunk& trace_chunks::at(size_t c) {
  auto it = open_.find(c);
  if (it == open_.end() && chained_) // only the averages come
    it = open_.emplace(c, chunk{block_sum(), std::nullopt}).first;
  if (it == open_.end()) {
    // Blocks lost before this chunk are excluded from it; the others owe it.
    const auto groups = static_cast<Eigen::Index>(steps_of(c).size() * reps_);
    std::vector<block_sum::slot> owing;
    for (const auto& s : slots_)
      owing.push_back({s.first, s.count, s.taking_part && owed_by(s.first) <= c});
    it = open_.emplace(c, chunk{block_sum(d_, groups, workers_, owing), std::nullopt}).first;
  }
  return it->second;
}

void trace_chunks::give(uint32_t first, bool averaged, param_bytes values) {
  const auto c = owed_by(first);
  if (c >= chunks())
    throw std::invalid_argument("trace_chunks: a trace from a block that owes none");
  if (averaged) // the block of every id: its averages are the chunk, no sum to set up
    open_[c].averaged = std::move(values);
  else
    at(c).sum.give(first, std::move(values));
  ++owed_[first];
}

void trace_chunks::withdraw(uint32_t first) {
  const auto c = owed_by(first);
  owed_.erase(first);
  for (auto& s : slots_)
    if (s.first == first)
      s.taking_part = false;
  // Open chunks it still owed go on without it; later ones never count it.
  for (auto& [index, ch] : open_)
    if (index >= c)
      ch.sum.withdraw(first);
}

std::optional<trace_chunks::complete_chunk> trace_chunks::take() {
  if (finished() || (chained_ && means_ <= taken_)) // the chain did not bring it yet
    return std::nullopt;
  auto& ch = at(taken_);
  const auto groups = static_cast<Eigen::Index>(steps_of(taken_).size() * reps_);
  complete_chunk out{taken_, Eigen::MatrixXd(d_, groups), false};
  if (ch.averaged) {
    const double* data = reinterpret_cast<const double*>(ch.averaged->bytes.data());
    out.means = Eigen::Map<const Eigen::MatrixXd>(data, d_, groups);
  } else if (!ch.sum.done()) {
    return std::nullopt;
  } else {
    out.none_added = !ch.sum.average(out.means);
  }
  open_.erase(taken_);
  ++taken_;
  return out;
}

void trace_chunks::chain() {
  chained_ = true;
  means_ = 0;
}

void trace_chunks::give_means(param_bytes means) {
  if (!chained_ || means_ >= chunks())
    throw std::invalid_argument("trace_chunks: averages the chain does not owe");
  at(means_).averaged = std::move(means);
  ++means_;
}

size_t trace_chunks::to_star() {
  chained_ = false;
  open_.erase(open_.lower_bound(means_), open_.end());
  for (const auto& s : slots_)
    if (s.taking_part)
      owed_[s.first] = means_;
  return means_;
}

} // namespace lsgd
