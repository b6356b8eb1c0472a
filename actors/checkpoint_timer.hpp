// When the server writes a checkpoint: after a round once the interval has
// passed since the last one, and after the last round unless the batch was
// shorter than the interval and wrote none. No CAF and no clock of its own.
#pragma once

#include <chrono>

namespace lsgd {

class checkpoint_timer {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// `enabled`: checkpoints are written at all; `interval` in seconds (0:
  /// after every round); `resumed`: the batch continues from a checkpoint.
  checkpoint_timer(bool enabled, double interval, bool resumed);

  /// The batch starts at `now`; the interval counts from here.
  void start(time_point now);
  /// A checkpoint after the round that ends at `now` is due (the caller
  /// excludes the last round, whose checkpoint finish_due() decides).
  bool due(time_point now) const;
  /// A checkpoint was written at `now`.
  void saved(time_point now);
  /// The batch ended at `now`: is a checkpoint with the complete records due?
  /// A batch shorter than the interval leaves none: a resumed run computes it
  /// again (the same numbers) rather than every run writing its records twice.
  bool finish_due(time_point now) const;
  /// Seconds since start().
  double elapsed(time_point now) const;

private:
  bool enabled_;
  double interval_;
  bool resumed_;
  bool saved_any_ = false;
  time_point started_{};
  time_point last_{};
};

} // namespace lsgd
