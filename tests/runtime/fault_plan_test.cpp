// The injected faults a simulation plans before it runs ([faults.inject]).
#include "runtime/plan/fault_plan.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace lsgd;

namespace {

fault_injection losing(std::vector<int64_t> workers, std::vector<int64_t> rounds,
                       int64_t replace_after = 0) {
  fault_injection f;
  f.enabled = true;
  f.lose_workers = std::move(workers);
  f.lose_rounds = std::move(rounds);
  f.replace_after = replace_after;
  return f;
}

std::vector<uint32_t> held_in(const fault_timeline& t, size_t round) {
  std::vector<uint32_t> out;
  for (uint32_t w = 0; w < t.taking_part[round].size(); ++w)
    if (t.taking_part[round][w])
      out.push_back(w);
  return out;
}

} // namespace

TEST_CASE("fault plan: configured losses, replacements on the lowest free ids") {
  // N = 4, 5 rounds. Ids 1 and 3 lost at round 2, replaced 2 rounds later;
  // id 0 lost at round 4, when ids 1 and 3 come back first.
  const auto t = plan_faults(losing({1, 3, 0, 9}, {2, 2, 4, 1}, 2), fault_policy{}, 1, 0, 4,
                             schedules::constant_rounds(50, 5));
  REQUIRE(t.taking_part.size() == 6);
  CHECK(held_in(t, 0) == std::vector<uint32_t>{0, 1, 2, 3});
  CHECK(held_in(t, 1) == std::vector<uint32_t>{0, 1, 2, 3}); // id 9 does not exist
  CHECK(held_in(t, 2) == std::vector<uint32_t>{0, 2});
  CHECK(held_in(t, 3) == std::vector<uint32_t>{0, 2});
  CHECK(held_in(t, 4) == std::vector<uint32_t>{1, 2, 3});
  CHECK(held_in(t, 5) == std::vector<uint32_t>{1, 2, 3}); // id 0's replacement would be round 6
  REQUIRE(t.events.losses.size() == 3);
  CHECK(t.events.losses[0].round == 2);
  CHECK(t.events.losses[0].worker == 1);
  CHECK(t.events.losses[0].why == "injected loss at round 2");
  CHECK(t.events.losses[2].worker == 0);
  REQUIRE(t.events.rejoins.size() == 2);
  CHECK(t.events.rejoins[0].round == 4);
  CHECK(t.events.rejoins[0].worker == 1);
  CHECK(t.events.rejoins[1].worker == 3);
}

TEST_CASE("fault plan: a replacement takes the lowest free id, not the one it replaces") {
  // Id 2 lost at round 1 (back at 3), id 0 at round 2 (back at 4): at round 3 the
  // free ids are 0 and 2, and the replacement takes 0.
  const auto t = plan_faults(losing({2, 0}, {1, 2}, 2), fault_policy{}, 1, 0, 3,
                             schedules::constant_rounds(40, 4));
  CHECK(held_in(t, 3) == std::vector<uint32_t>{0, 1});
  CHECK(held_in(t, 4) == std::vector<uint32_t>{0, 1, 2});
}

TEST_CASE("fault plan: random losses at the configured rate, the same for the same seed and rep") {
  fault_injection f;
  f.enabled = true;
  f.probability = 0.1;
  f.replace_after = 1;
  const auto times = schedules::synchronous(2000);
  const auto a = plan_faults(f, fault_policy{}, 7, 3, 10, times);
  const auto b = plan_faults(f, fault_policy{}, 7, 3, 10, times);
  CHECK(a.taking_part == b.taking_part);
  CHECK(a.taking_part != plan_faults(f, fault_policy{}, 7, 4, 10, times).taking_part);
  CHECK(a.taking_part != plan_faults(f, fault_policy{}, 8, 3, 10, times).taking_part);
  // Each id held at the start of a round (after that round's replacements)
  // is one draw with p = 0.1: the losses are binomial over the draws.
  size_t held = a.events.rejoins.size();
  for (size_t r = 1; r < times.size(); ++r)
    held += held_in(a, r - 1).size();
  const double n = static_cast<double>(held);
  const double se = std::sqrt(n * 0.1 * 0.9);
  CHECK(std::abs(static_cast<double>(a.events.losses.size()) - 0.1 * n) < 4 * se);
}

TEST_CASE("fault plan: stragglers miss the server's deadline rule in simulated seconds") {
  // Worker 1 takes 1 s per step in round 2 only, the others 0.01 s; rounds of
  // 10 steps, 0.1 s of communication. Round 1: 0.1 + 0.1 = 0.2 s, 0.02 s per
  // step; round 2 may take max(floor 1, 10 x 10 x 0.02) = 2 s: worker 1's 10 s miss it.
  fault_policy p;
  p.deadline_factor = 10;
  p.deadline_floor = 1;
  p.first_round_deadline = 100;
  straggler_clock clock{[](uint32_t w, uint32_t r) { return w == 1 && r == 2 ? 1.0 : 0.01; },
                        [](uint32_t) { return 0.1; }};
  fault_injection f;
  f.enabled = true;
  f.stragglers = true;
  f.replace_after = 1;
  const auto t = plan_faults(f, p, 1, 0, 3, schedules::constant_rounds(40, 4), &clock);
  CHECK(held_in(t, 1) == std::vector<uint32_t>{0, 1, 2});
  CHECK(held_in(t, 2) == std::vector<uint32_t>{0, 2});
  CHECK(held_in(t, 3) == std::vector<uint32_t>{0, 1, 2});
  REQUIRE(t.events.losses.size() == 1);
  CHECK(t.events.losses[0].why == "missed the simulated deadline of round 2 (2 s)");
  CHECK(t.missed_deadline == std::vector<double>{0, 0, 2, 0, 0});
}

TEST_CASE("fault plan: it ends at a round that loses every worker") {
  const auto t = plan_faults(losing({0, 1}, {2, 2}), fault_policy{}, 1, 0, 2,
                             schedules::constant_rounds(40, 4));
  CHECK(t.taking_part.size() == 3);
  CHECK(held_in(t, 2).empty());
}
