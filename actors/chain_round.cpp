#include "actors/chain_round.hpp"

namespace lsgd {

void chain_round::open(uint32_t round, Eigen::Index rows, Eigen::Index groups, uint32_t workers,
                       Eigen::Index chunk_bytes, uint32_t taking_part, uint32_t last_end) {
  on_ = true;
  round_ = round;
  workers_ = workers;
  taking_part_ = taking_part;
  last_end_ = last_end;
  groups_ = groups;
  chunks_ = chain_chunks(rows, groups, chunk_bytes);
  next_ = 0;
  ready_.clear();
  averages_.resize(rows, groups);
}

std::optional<std::string> chain_round::give(const chain_chunk& c) {
  if (!on_ || c.round != round_ || next_ >= chunks_.size())
    return "a chain chunk the round does not expect";
  const auto& want = chunks_[next_];
  if (c.first_row != static_cast<uint64_t>(want.first) || c.rows != static_cast<uint64_t>(want.rows)
      || c.groups != static_cast<uint64_t>(groups_))
    return "a chain chunk of rows " + std::to_string(c.first_row) + " + " + std::to_string(c.rows)
           + ", not the next of the round";
  if (c.next != last_end_ || c.added != taking_part_)
    return "a chain chunk of " + std::to_string(c.added) + " ids added up to id "
           + std::to_string(c.next) + ", not the " + std::to_string(taking_part_)
           + " taking part up to id " + std::to_string(last_end_);
  const double* data = nullptr;
  if (auto err = view(c.sum, want.rows, groups_, data))
    return "a chain chunk that does not fit: " + *err;
  // ids last_end .. workers - 1 take no part (ordered_sum::exclude)
  chain_average(data, {workers_, c.added}, workers_, averages_.middleRows(want.first, want.rows));
  ++next_;
  return std::nullopt;
}

} // namespace lsgd
