// Communication schedules: pure functions from (T, N, parameters) to the times
// 0 = tau_0 < tau_1 < ... < tau_R = T at which the server averages.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lsgd {

/// Communication times including tau_0 = 0 and tau_R = T, strictly increasing.
using comm_times = std::vector<uint64_t>;

/// A number of rounds, given as a number or as a function of N, rounded up:
/// "N", "sqrt(N)", "N^p" (0 < p), or a fixed count.
class rounds_rule {
public:
  /// Parses "N", "sqrt(N)", "N^0.75" or a positive integer written as text;
  /// throws std::invalid_argument with the reason otherwise.
  static rounds_rule parse(const std::string& text);
  static rounds_rule fixed(uint64_t rounds);

  /// R for N workers: ceil(N^p), or the fixed count; at least 1. Throws
  /// std::invalid_argument where N^p is beyond 2^63 (no schedule fits it).
  uint64_t resolve(uint64_t N) const;

  std::string describe() const;

private:
  double exponent_ = 1.0; // used when fixed_ == 0
  uint64_t fixed_ = 0;
};

namespace schedules {

/// The most rounds a schedule may have: its times alone then take 80 MB, and a
/// run would average 10^7 times. More is refused as surely a mistake (and
/// T = 2^40 with H = 1 would otherwise ask for 8 TB).
constexpr uint64_t max_rounds = 10'000'000;

/// H = 1: tau_r = r, R = T (mini-batch SGD).
comm_times synchronous(uint64_t T);

/// Constant period H: tau_r = r H, then T.
comm_times constant_period(uint64_t T, uint64_t H);

/// Constant period with R rounds: H = T/R, tau_r = ceil(H r).
comm_times constant_rounds(uint64_t T, uint64_t R);

/// Stich (2019): H = floor(sqrt(T/N)), at least 1.
comm_times stich(uint64_t T, uint64_t N);

/// Haddadpour et al. (2019): H = floor((T^2/N)^(1/3)), at least 1.
comm_times haddadpour(uint64_t T, uint64_t N);

/// The paper's increasing intervals H_i = a(i+1), a = 2T/(R(R+1)):
/// tau_r = floor(a r (r+1)/2) = floor(T r (r+1) / (R (R+1))), computed exactly.
comm_times increasing(uint64_t T, uint64_t R);

/// The increasing schedule mirrored: tau'_r = T - tau_{R-r}.
comm_times decreasing(uint64_t T, uint64_t R);

/// One-shot averaging: R = 1, tau_1 = T.
comm_times one_shot(uint64_t T);

/// Explicit times in (0, T], strictly increasing; T is appended if missing.
comm_times explicit_times(uint64_t T, const std::vector<uint64_t>& times);

/// Adds 0 in front and T at the end if missing and removes repeated times, so
/// that a repeated time counts as one round.
comm_times normalize(uint64_t T, std::vector<uint64_t> times);

/// The number of rounds R of a normalized schedule.
inline uint64_t rounds(const comm_times& times) {
  return times.empty() ? 0 : times.size() - 1;
}

} // namespace schedules

} // namespace lsgd
