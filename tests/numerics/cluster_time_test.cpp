// The simulated cluster time against rounds computed by hand.
#include "numerics/cluster_time.hpp"

#include <doctest/doctest.h>

using namespace lsgd;

namespace {
cluster_model constant(reduction_shape shape) {
  cluster_model m;
  m.step_seconds = 0.5;
  m.latency = 0.01;
  m.bandwidth = 1000;
  m.bytes_per_model = 100;
  m.shape = shape;
  return m;
}
} // namespace

TEST_CASE("cluster time: constant step times, star") {
  // comm = 2 (0.01 + 4 * 100 / 1000) = 0.82; rounds of 2 and 3 steps at 0.5 s.
  const auto m = constant(reduction_shape::star);
  CHECK(communication_seconds(m, 4) == doctest::Approx(0.82));
  const auto ends = round_end_seconds(m, 7, 0, 4, {0, 2, 5});
  REQUIRE(ends.size() == 3);
  CHECK(ends[0] == 0);
  CHECK(ends[1] == doctest::Approx(1.0 + 0.82));
  CHECK(ends[2] == doctest::Approx(1.82 + 1.5 + 0.82));
  const auto at = step_times(m, 7, 0, 4, {0, 2, 5}, {0, 1, 2, 3, 5});
  CHECK(at[0] == 0);
  CHECK(at[1] == doctest::Approx(0.5));
  CHECK(at[2] == doctest::Approx(1.0));
  CHECK(at[3] == doctest::Approx(1.82 + 0.5));
  CHECK(at[4] == doctest::Approx(1.82 + 1.5));
}

TEST_CASE("cluster time: constant step times, chain") {
  // comm = 2 (4 * 0.01 + 100 / 1000) = 0.28.
  const auto m = constant(reduction_shape::chain);
  CHECK(communication_seconds(m, 4) == doctest::Approx(0.28));
  const auto ends = round_end_seconds(m, 7, 0, 4, {0, 2, 5});
  CHECK(ends[2] == doctest::Approx(1.0 + 0.28 + 1.5 + 0.28));
}

TEST_CASE("cluster time: slow workers and reproducible lognormal draws") {
  auto m = constant(reduction_shape::star);
  m.slow_fraction = 0.25;
  m.slow_factor = 3;
  CHECK(step_seconds(m, 1, 0, 4, 0, 1) == doctest::Approx(1.5)); // ceil(0.25 * 4) = 1 slow
  CHECK(step_seconds(m, 1, 0, 4, 1, 1) == doctest::Approx(0.5));
  m.slow_fraction = 0;
  m.spread = 0.5;
  const double a = step_seconds(m, 1, 2, 4, 3, 5);
  CHECK(a == step_seconds(m, 1, 2, 4, 3, 5));
  CHECK(a != step_seconds(m, 1, 2, 4, 3, 6));
  CHECK(a != step_seconds(m, 2, 2, 4, 3, 5));
  double sum = 0;
  for (uint64_t r = 1; r <= 20000; ++r)
    sum += step_seconds(m, 1, 0, 4, 0, r);
  CHECK(sum / 20000 == doctest::Approx(0.5).epsilon(0.02)); // E[s] = step_seconds
}

TEST_CASE("cluster time: who takes part and the deadline (the fault plan's interface)") {
  // Worker 0 is 3x slower (1.5 s per step). Round 1: all 4 take part, no
  // deadline: 2 x 1.5 + 0.82. Round 2: worker 0 is out, 3 take part:
  // 3 x 0.5 + 2 (0.01 + 3 * 0.1) = 1.5 + 0.62. Round 3 (2 steps, all take part)
  // has a 1.2 s deadline the slow worker misses: 1.2 + 0.82.
  auto m = constant(reduction_shape::star);
  m.slow_fraction = 0.25;
  m.slow_factor = 3;
  round_participation p;
  p.takes_part = {{}, {false, true, true, true}};
  p.deadline = {0, 0, 1.2};
  const auto ends = round_end_seconds(m, 7, 0, 4, {0, 2, 5, 7}, p);
  CHECK(ends[1] == doctest::Approx(3.0 + 0.82));
  CHECK(ends[2] == doctest::Approx(3.82 + 1.5 + 0.62));
  CHECK(ends[3] == doctest::Approx(3.82 + 2.12 + 1.2 + 0.82));
  // The default is everyone, no deadline.
  CHECK(round_end_seconds(m, 7, 0, 4, {0, 2}, {})[1] == doctest::Approx(3.82));
}
