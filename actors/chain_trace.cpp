#include "actors/chain_trace.hpp"

namespace lsgd {

void chain_trace_sums::open(uint32_t round, Eigen::Index d, uint32_t reps, uint32_t workers,
                            Eigen::Index chunk_bytes, uint32_t taking_part, uint32_t last_end,
                            bool averaged) {
  on_ = !averaged;
  summing_ = false;
  round_ = round;
  d_ = d;
  reps_ = reps;
  workers_ = workers;
  chunk_bytes_ = chunk_bytes;
  taking_part_ = taking_part;
  last_end_ = last_end;
}

std::optional<std::string> chain_trace_sums::give(const chain_trace& x, trace_chunks& traces) {
  const auto c = traces.next_means();
  if (!on_ || !traces.chained() || x.chunk != c)
    return "a trace sum of chunk " + std::to_string(x.chunk) + ", not the next of the round";
  if (!summing_) {
    const auto groups = static_cast<Eigen::Index>(traces.steps_of(c).size() * reps_);
    sum_.open(round_, d_, groups, workers_, chunk_bytes_, taking_part_, last_end_);
    summing_ = true;
  }
  if (auto err = sum_.give(x.sum))
    return "a trace sum: " + *err;
  if (sum_.done()) {
    traces.give_means(pack(sum_.averages()));
    summing_ = false;
  }
  return std::nullopt;
}

} // namespace lsgd
