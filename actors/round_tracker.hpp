// The open round of the server: which worker ids take part, whose models
// arrived, and how long the round may take. No CAF and no clock of its
// own: the server passes in the times it reads from its actor clock.
#pragma once

#include "actors/run_data.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace lsgd {

class round_tracker {
public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;

  explicit round_tracker(uint32_t workers = 0, fault_policy policy = {});

  /// How long a round of `steps` local steps may take:
  /// deadline_factor x steps x the slowest time per step seen in a completed
  /// round, at least deadline_floor; first_round_deadline (at least the
  /// floor) while no round completed. With growing intervals no fixed timeout
  /// fits every round.
  duration allowed(uint64_t steps) const;

  /// Opens round `round` of `steps` local steps at `now`, nobody taking part
  /// yet; returns how long it may take (see allowed()).
  duration open(uint32_t round, uint64_t steps, time_point now);
  /// A block of `count` ids takes part in the open round.
  void expect(uint32_t count) { expected_ += count; }
  /// A block of `count` ids that takes part is lost before its model arrived.
  void withdraw(uint32_t count) { expected_ -= count; }
  void add_model(uint32_t first, uint32_t count);

  /// Closes the open round at `now`: its time per step counts for the
  /// deadlines of the next rounds.
  void close(time_point now);

  /// The deadline of open round `round` has passed at `now`.
  bool overdue(uint32_t round, time_point now) const;
  /// When the open round's time is up.
  time_point deadline() const { return deadline_at_; }
  /// The open round gets its allowed time again from `now` (a chain round
  /// that goes by the star).
  void extend(time_point now) { deadline_at_ = now + allowed(steps_); }
  /// A round is open (between open() and close()).
  bool is_open() const { return open_; }

  uint32_t round() const { return round_; }
  uint32_t expected() const { return expected_; }
  uint32_t received() const { return received_; }
  /// Every expected model arrived.
  bool complete() const { return received_ == expected_; }
  /// The models of all N workers arrived.
  bool everyone() const { return received_ == workers_; }
  bool has_model(uint32_t id) const { return included_[id]; }
  /// Per worker id: its model of the open round arrived.
  const std::vector<bool>& included() const { return included_; }
  /// The open round's allowed time, in seconds.
  double allowed_seconds() const;
  /// Seconds per step of the slowest completed round; 0 before any.
  double slowest_step() const { return slowest_step_; }

private:
  uint32_t workers_;
  fault_policy policy_;
  uint32_t round_ = 0;
  uint64_t steps_ = 0;
  bool open_ = false;
  uint32_t expected_ = 0;
  uint32_t received_ = 0;
  std::vector<bool> included_;
  time_point started_{};
  duration allowed_{};
  time_point deadline_at_{};
  double slowest_step_ = 0;
};

} // namespace lsgd
