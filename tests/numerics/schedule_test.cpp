#include "numerics/schedule.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>

using namespace lsgd;

namespace {

std::vector<uint64_t> intervals(const comm_times& t) {
  std::vector<uint64_t> h;
  for (size_t i = 1; i < t.size(); ++i)
    h.push_back(t[i] - t[i - 1]);
  return h;
}

void check_well_formed(const comm_times& t, uint64_t T) {
  REQUIRE(t.size() >= 2);
  CHECK(t.front() == 0);
  CHECK(t.back() == T);
  for (size_t i = 1; i < t.size(); ++i)
    CHECK(t[i] > t[i - 1]);
}

} // namespace

TEST_CASE("increasing schedule, T = 1000, N = R = 20 (the paper's experiment Q)") {
  // a = 2T/(R(R+1)) = 2000/420; tau_r = floor(a r(r+1)/2):
  // r = 1: floor(4.76) = 4, r = 2: floor(14.29) = 14, r = 3: floor(28.57) = 28,
  // r = 4: floor(47.62) = 47, r = 19: floor(904.76) = 904, r = 20: 1000.
  const auto t = schedules::increasing(1000, 20);
  check_well_formed(t, 1000);
  CHECK(schedules::rounds(t) == 20);
  CHECK(t[1] == 4);
  CHECK(t[2] == 14);
  CHECK(t[3] == 28);
  CHECK(t[4] == 47);
  CHECK(t[19] == 904);
  const auto h = intervals(t);
  CHECK(h[0] == 4);
  CHECK(h[1] == 10);
  CHECK(h[2] == 14);
  CHECK(h.back() == 96); // 1000 - 904, close to a R = 95.2
}

TEST_CASE("increasing schedule: the last time is exactly T without float round-off") {
  // a r(r+1)/2 at r = R is exactly T; a floating a would give 999.999...
  for (uint64_t R : {3, 7, 20, 21, 99, 100})
    CHECK(schedules::increasing(1000, R).back() == 1000);
  CHECK(schedules::rounds(schedules::increasing(1000, 21)) == 21);
}

TEST_CASE("increasing schedule: repeated times count as one round") {
  // T = 8000, R = 256: a = 2T/(R(R+1)) < 1, so the first times repeat.
  const auto t = schedules::increasing(8000, 256);
  check_well_formed(t, 8000);
  CHECK(schedules::rounds(t) < 256);
  CHECK(t[1] == 1); // floor(8000 * 1 * 2 / (256 * 257)) = 0, r = 2: floor(0.73) = 0, ...
  const auto t128 = schedules::increasing(8000, 128);
  CHECK(schedules::rounds(t128) < 128);
  CHECK(schedules::rounds(schedules::increasing(8000, 64)) == 64);
}

TEST_CASE("decreasing schedule mirrors the increasing one") {
  const auto up = schedules::increasing(1000, 20);
  const auto down = schedules::decreasing(1000, 20);
  check_well_formed(down, 1000);
  auto hu = intervals(up), hd = intervals(down);
  std::reverse(hd.begin(), hd.end());
  CHECK(hu == hd);
  CHECK(down[1] == 96);
}

TEST_CASE("constant period schedules") {
  // Stich: floor(sqrt(1000/20)) = 7; Haddadpour: floor((1e6/20)^(1/3)) = 36.
  const auto stich = schedules::stich(1000, 20);
  check_well_formed(stich, 1000);
  CHECK(stich[1] == 7);
  CHECK(schedules::rounds(stich) == 143); // 142 full periods, then 994 -> 1000
  CHECK(stich[142] == 994);
  const auto had = schedules::haddadpour(1000, 20);
  CHECK(had[1] == 36);
  CHECK(schedules::rounds(had) == 28);
  // Exact integer roots at the boundary: sqrt(800/8) = 10, (1000^2/1000)^(1/3) = 10.
  CHECK(schedules::stich(800, 8)[1] == 10);
  CHECK(schedules::haddadpour(1000, 1000)[1] == 10);
  // More workers than steps: H is at least 1.
  CHECK(schedules::stich(10, 1000)[1] == 1);
  CHECK(schedules::constant_period(10, 3) == comm_times{0, 3, 6, 9, 10});
}

TEST_CASE("constant schedule with R rounds: times ceil(T r / R)") {
  CHECK(schedules::constant_rounds(1000, 20)[1] == 50);
  CHECK(schedules::constant_rounds(10, 3) == comm_times{0, 4, 7, 10});
  CHECK(schedules::rounds(schedules::constant_rounds(1000, 1000)) == 1000);
  CHECK_THROWS_AS(schedules::constant_rounds(10, 11), std::invalid_argument);
}

TEST_CASE("synchronous, one-shot and explicit schedules") {
  CHECK(schedules::synchronous(4) == comm_times{0, 1, 2, 3, 4});
  CHECK(schedules::one_shot(1000) == comm_times{0, 1000});
  CHECK(schedules::explicit_times(10, {2, 5}) == comm_times{0, 2, 5, 10});
  CHECK(schedules::explicit_times(10, {2, 10}) == comm_times{0, 2, 10});
  CHECK_THROWS_AS(schedules::explicit_times(10, {5, 2}), std::invalid_argument);
  CHECK_THROWS_AS(schedules::explicit_times(10, {11}), std::invalid_argument);
  CHECK_THROWS_AS(schedules::explicit_times(10, {0}), std::invalid_argument);
  CHECK_THROWS_AS(schedules::increasing(10, 0), std::invalid_argument);
  CHECK_THROWS_AS(schedules::increasing(10, 11), std::invalid_argument);
}

TEST_CASE("rounds as a function of N, rounded up") {
  CHECK(rounds_rule::parse("N").resolve(20) == 20);
  CHECK(rounds_rule::parse("sqrt(N)").resolve(32) == 6);  // 5.66
  CHECK(rounds_rule::parse("sqrt(N)").resolve(64) == 8);  // exact
  CHECK(rounds_rule::parse("N^0.75").resolve(16) == 8);   // pow gives 7.999...
  CHECK(rounds_rule::parse("N^0.75").resolve(32) == 14);  // 13.45
  CHECK(rounds_rule::parse("N^0.5").resolve(2) == 2);     // 1.41
  CHECK(rounds_rule::parse("12").resolve(1000) == 12);
  CHECK(rounds_rule::parse("N^(1/3)").resolve(20) == 3);   // 2.71
  CHECK(rounds_rule::parse("N^(1/3)").resolve(27) == 3);   // exact
  CHECK(rounds_rule::parse("N^(3/4)").resolve(16) == 8);
  CHECK_THROWS_AS(rounds_rule::parse("N^(1/0)"), std::invalid_argument);
  CHECK_THROWS_AS(rounds_rule::parse("N^(1/x)"), std::invalid_argument);
  CHECK(rounds_rule::parse("sqrt(N)").describe() == "sqrt(N)");
  CHECK_THROWS_AS(rounds_rule::parse("M"), std::invalid_argument);
  CHECK_THROWS_AS(rounds_rule::parse("N^"), std::invalid_argument);
  CHECK_THROWS_AS(rounds_rule::parse("N^-1"), std::invalid_argument);
  CHECK_THROWS_AS(rounds_rule::parse("0"), std::invalid_argument);
  CHECK_THROWS_AS(rounds_rule::parse(""), std::invalid_argument);
}
