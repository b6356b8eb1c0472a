// When the server writes checkpoints (see checkpoint_timer.hpp).
#include "actors/checkpoint_timer.hpp"

namespace lsgd {

namespace {

double seconds(checkpoint_timer::time_point from, checkpoint_timer::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

} // namespace

checkpoint_timer::checkpoint_timer(bool enabled, double interval, bool resumed)
  : enabled_(enabled), interval_(interval), resumed_(resumed) {
}

void checkpoint_timer::start(time_point now) {
  started_ = last_ = now;
}

bool checkpoint_timer::due(time_point now) const {
  return enabled_ && seconds(last_, now) >= interval_;
}

void checkpoint_timer::saved(time_point now) {
  last_ = now;
  saved_any_ = true;
}

bool checkpoint_timer::finish_due(time_point now) const {
  return enabled_ && (saved_any_ || resumed_ || seconds(started_, now) >= interval_);
}

double checkpoint_timer::elapsed(time_point now) const {
  return seconds(started_, now);
}

} // namespace lsgd
