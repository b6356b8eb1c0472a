// Which steps the virtual average is observed at (monitoring, not rounds).
#pragma once

#include <cstdint>
#include <vector>

namespace lsgd {

/// Which rounds get their error F(xbar) - F* after averaging ([record] rounds):
/// every round, or only those that end at a recorded step. A skipped round
/// has no error (NaN in run_record::round_errors, an empty field in
/// rounds.csv); round 0 and the last round (at T) are always recorded steps.
enum class round_errors { all, recorded };

/// Steps t = 0, k, 2k, ... and always T: the points of the error-vs-iteration
/// curve. Step t means "after t local steps".
class record_plan {
public:
  record_plan(uint64_t T, uint64_t every, round_errors rounds = round_errors::all)
    : T_(T), every_(every < 1 ? 1 : every), rounds_(rounds) {
  }

  bool records(uint64_t t) const {
    return t % every_ == 0 || t == T_;
  }

  /// The index of a recorded step t in steps().
  uint64_t index_of(uint64_t t) const {
    return t == T_ && T_ % every_ != 0 ? T_ / every_ + 1 : t / every_;
  }

  /// Every recorded step in increasing order.
  std::vector<uint64_t> steps() const {
    std::vector<uint64_t> result;
    for (uint64_t t = 0; t < T_; t += every_)
      result.push_back(t);
    result.push_back(T_);
    return result;
  }

  /// Recorded steps in (first, last].
  std::vector<uint64_t> steps_in(uint64_t first, uint64_t last) const {
    std::vector<uint64_t> result;
    for (uint64_t t = (first / every_ + 1) * every_; t <= last; t += every_)
      result.push_back(t);
    if (last == T_ && (result.empty() || result.back() != T_) && first < T_)
      result.push_back(T_);
    return result;
  }

  uint64_t every() const {
    return every_;
  }

  /// Whether the error after a round that ends at step t is evaluated.
  bool evaluates_round(uint64_t t) const {
    return rounds_ == round_errors::all || records(t);
  }

  round_errors rounds() const {
    return rounds_;
  }

private:
  uint64_t T_;
  uint64_t every_;
  round_errors rounds_;
};

} // namespace lsgd
