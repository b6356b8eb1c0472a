// Paired comparisons against a hand computation (numerics/paired.hpp).
#include "numerics/paired.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace lsgd;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

// Method a against baseline b over five repetitions; a diverged in the last,
// so four pairs remain:
//   a = 1.0 1.2 0.9 1.1     abar = 1.05
//   b = 1.1 1.25 1.0 1.2    bbar = 1.1375
// Difference: d = -0.1 -0.05 -0.1 -0.1, dbar = -0.0875; deviations
//   -0.0125 0.0375 -0.0125 -0.0125, squares sum 0.001875, s^2 = 0.000625,
//   se = sqrt(0.000625 / 4) = 0.0125.
// t_{3, 0.975} = 3.182446305284 (tables; mpmath: 3.18244630528370843588),
//   interval -0.0875 -+ 0.0397805788 = [-0.1272805788, -0.0477194212].
// Ratio: R = 1.05 / 1.1375 = 12/13 = 0.923076923; a_i - R b_i =
//   (-0.2, 0.6, -0.3, -0.1) / 13, squares sum 0.5 / 169, s^2 = 0.5 / 507;
//   se = sqrt(0.5 / 507 / 4) / 1.1375 = 0.0138038306, interval
//   [0.8791469733, 0.9670068728].
const std::vector<double> a = {1.0, 1.2, 0.9, 1.1, not_a_number};
const std::vector<double> b = {1.1, 1.25, 1.0, 1.2, 1.0};

} // namespace

TEST_CASE("paired difference and ratio against a hand computation") {
  const auto p = compare_paired(a, b, 0.95);
  CHECK(p.pairs == 4);
  CHECK(p.left_out == 1);
  CHECK(p.level == 0.95);
  CHECK(p.difference.value == doctest::Approx(-0.0875).epsilon(1e-12));
  CHECK(p.difference.se == doctest::Approx(0.0125).epsilon(1e-12));
  CHECK(p.difference.lo == doctest::Approx(-0.12728057881605).epsilon(1e-10));
  CHECK(p.difference.hi == doctest::Approx(-0.04771942118395).epsilon(1e-10));
  CHECK(p.ratio.value == doctest::Approx(12.0 / 13).epsilon(1e-12));
  CHECK(p.ratio.se == doctest::Approx(0.013803830615853).epsilon(1e-10));
  CHECK(p.ratio.lo == doctest::Approx(0.87914697333473).epsilon(1e-10));
  CHECK(p.ratio.hi == doctest::Approx(0.96700687281912).epsilon(1e-10));
}

TEST_CASE("Student t quantiles: tables and mpmath") {
  CHECK(t_quantile(0.95, 3) == doctest::Approx(3.1824463052837).epsilon(1e-12));
  CHECK(t_quantile(0.90, 3) == doctest::Approx(2.3533634348018).epsilon(1e-12));
  CHECK(t_quantile(0.95, 1e9) == doctest::Approx(1.959963984540).epsilon(1e-9));
  CHECK(std::isnan(t_quantile(0.95, 0)));
}

// The speed-ups S = s1 / abar and s1 / bbar with s1 = 10 +- 0.5 over 10 runs:
//   D = 10 (1/1.05 - 1/1.1375) = 0.7326007326; g = 0.0732600733,
//   s1's part v1 = g^2 0.5^2 = 0.0013417596; the pairs' part v2 = s_z^2 / 4 =
//   0.0297964760 (z_i = 10 ((b_i - bbar)/bbar^2 - (a_i - abar)/abar^2)),
//   se = sqrt(v1 + v2) = 0.1764602947. Welch-Satterthwaite:
//   df = (v1 + v2)^2 / (v1^2 / 9 + v2^2 / 3) = 3.2740551946, t_{df, 0.975} =
//   3.0369267010 (mpmath), interval [0.1967037520, 1.2684977132].
// Ratio S_a / S_b = bbar / abar = 1.0833333333, se 0.0162003290 (the
//   paired ratio of b to a), interval with t_{3, 0.975}: [1.0317766562, 1.1348900105].
TEST_CASE("paired speed-ups sharing s1 against a hand computation") {
  const auto p = compare_speedups({10, 0.5}, 10, a, b, 0.95);
  CHECK(p.pairs == 4);
  CHECK(p.left_out == 1);
  CHECK(p.difference.value == doctest::Approx(0.73260073260073).epsilon(1e-12));
  CHECK(p.difference.se == doctest::Approx(0.17646029469659).epsilon(1e-10));
  CHECK(p.difference.lo == doctest::Approx(0.19670375196400).epsilon(1e-9));
  CHECK(p.difference.hi == doctest::Approx(1.26849771323747).epsilon(1e-9));
  CHECK(p.ratio.value == doctest::Approx(13.0 / 12).epsilon(1e-12));
  CHECK(p.ratio.se == doctest::Approx(0.016200328986661).epsilon(1e-10));
  CHECK(p.ratio.lo == doctest::Approx(1.03177665620534).epsilon(1e-10));
  CHECK(p.ratio.hi == doctest::Approx(1.13489001046132).epsilon(1e-10));
}

TEST_CASE("one pair: an estimate without an error, no pair: nothing") {
  const auto one = compare_paired({2.0}, {4.0}, 0.95);
  CHECK(one.pairs == 1);
  CHECK(one.difference.value == -2.0);
  CHECK(one.ratio.value == 0.5);
  CHECK(std::isnan(one.difference.se));
  CHECK(std::isnan(one.difference.lo));
  CHECK(std::isnan(one.ratio.hi));
  const auto none = compare_paired({not_a_number, 1.0}, {1.0, not_a_number}, 0.95);
  CHECK(none.pairs == 0);
  CHECK(none.left_out == 2);
  CHECK(std::isnan(none.difference.value));
  CHECK(std::isnan(none.ratio.value));
  const auto speedup = compare_speedups({10, not_a_number}, 1, {1.0, 1.1}, {1.2, 1.3}, 0.95);
  CHECK(speedup.difference.value == doctest::Approx(10 / 1.05 - 10 / 1.25));
  CHECK(std::isnan(speedup.difference.se)); // one single run: s1's error is unknown
  CHECK(std::isfinite(speedup.ratio.se));
}

TEST_CASE("the pairing removes the shared noise that separate errors keep") {
  // b_i = a_i + 0.1 exactly: noise shared entirely, the difference is known.
  const std::vector<double> x = {1, 3, 2, 5}, y = {1.1, 3.1, 2.1, 5.1};
  const auto p = compare_paired(x, y, 0.95);
  CHECK(p.difference.value == doctest::Approx(-0.1));
  CHECK(p.difference.se == doctest::Approx(0).epsilon(1e-12).scale(1));
  CHECK(summarize(x).se > 0.5); // what the unpaired errors would say
}
