// The server's open round (see round_tracker.hpp).
#include "actors/round_tracker.hpp"

#include <algorithm>

namespace lsgd {

round_tracker::round_tracker(uint32_t workers, fault_policy policy)
  : workers_(workers), policy_(policy), included_(workers, false) {
}

round_tracker::duration round_tracker::allowed(uint64_t steps) const {
  const double seconds = policy_.allowed_seconds(steps, slowest_step_);
  return std::chrono::duration_cast<duration>(std::chrono::duration<double>(seconds));
}

round_tracker::duration round_tracker::open(uint32_t round, uint64_t steps, time_point now) {
  round_ = round;
  steps_ = steps;
  open_ = true;
  expected_ = received_ = 0;
  included_.assign(workers_, false);
  const auto d = allowed(steps);
  started_ = now;
  allowed_ = d;
  deadline_at_ = now + d;
  return d;
}

void round_tracker::add_model(uint32_t first, uint32_t count) {
  for (uint32_t w = first; w < first + count; ++w)
    included_[w] = true;
  received_ += count;
}

void round_tracker::close(time_point now) {
  open_ = false;
  const double took = std::chrono::duration<double>(now - started_).count();
  slowest_step_ = std::max(slowest_step_, took / static_cast<double>(steps_));
}

bool round_tracker::overdue(uint32_t round, time_point now) const {
  return open_ && round == round_ && now >= deadline_at_;
}

double round_tracker::allowed_seconds() const {
  return std::chrono::duration<double>(allowed_).count();
}

} // namespace lsgd
