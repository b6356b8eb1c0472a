// Where a run diverged, as summarize() reads it from the run's records.
#include "runtime/store/results.hpp"
#include "runtime/plan/run_plan.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace lsgd;

namespace {

run_record record(std::vector<double> rounds, std::vector<double> trajectory) {
  run_record r;
  r.rounds = std::make_shared<const batch_rounds>(batch_rounds{{0, 10, 20}, {}});
  r.round_errors = std::move(rounds);
  r.trajectory = std::move(trajectory); // at steps 0, 5, 10, 15, 20
  return r;
}

const record_plan recorded(20, 5); // steps 0, 5, 10, 15, 20
const double NaN = std::nan("");

} // namespace

TEST_CASE("divergence_of: the first non-finite recorded step and the round that reached it") {
  CHECK(!divergence_of(record({3, 2, 1}, {3, 2.5, 2, 1.5, 1}), recorded));
  const auto mid = divergence_of(record({3, 2, NaN}, {3, 2.5, 2, NaN, NaN}), recorded);
  REQUIRE(mid);
  CHECK(mid->step == 15);
  CHECK(mid->round == 2);
  // A round end without a recorded step before it.
  const auto end = divergence_of(record({3, NaN, NaN}, {3, 2.5, NaN, NaN, NaN}), recorded);
  REQUIRE(end);
  CHECK(end->step == 10);
  CHECK(end->round == 1);
  // Inf counts as well; x0 itself: round 0.
  const auto inf = std::numeric_limits<double>::infinity();
  const auto first = divergence_of(record({inf, NaN, NaN}, {inf, NaN, NaN, NaN, NaN}), recorded);
  REQUIRE(first);
  CHECK(first->step == 0);
  CHECK(first->round == 0);
}

TEST_CASE("divergence_of: a round [record] rounds skipped is no divergence") {
  // Rounds end at 0, 10, 15, 25; recorded: 0, 10, 20 and 25 = T.
  run_record r;
  r.rounds = std::make_shared<const batch_rounds>(batch_rounds{{0, 10, 15, 25}, {}});
  r.trajectory = {3, 2, 1, 0.5};
  r.round_errors = {3, 2, NaN, 0.5};
  const record_plan every(25, 10), skipping(25, 10, round_errors::recorded);
  CHECK(divergence_of(r, every)); // with every round evaluated, NaN is divergence
  CHECK(!divergence_of(r, skipping));
  CHECK(last_round_error(r, skipping) == 0.5);
  // A diverged run: NaN at an evaluated round as well.
  r.round_errors = {3, 2, NaN, NaN};
  r.trajectory = {3, 2, NaN, NaN};
  const auto d = divergence_of(r, skipping);
  REQUIRE(d);
  CHECK(d->step == 20);
  CHECK(d->round == 3); // the round whose steps reached it
  // An incomplete run's final error: its last evaluated round.
  r.rounds = std::make_shared<const batch_rounds>(batch_rounds{{0, 10, 15}, {}});
  r.round_errors = {3, 2, NaN};
  CHECK(last_round_error(r, skipping) == 2);
}

// A failed run's records stop at its last completed round (session.cpp cuts
// them): its median error after step 10 is over the steps it kept.
TEST_CASE("summarize: the median of a cut trajectory is over the steps it kept") {
  const auto plan = make_plan(parse_config(R"(
seed = 1
repetitions = 1
T = 100
N = [2]
record_every = 10
[objective]
type = "noisy_quadratic"
dimension = 1
x0 = 3.0
[[method]]
name = "constant"
schedule = { type = "constant", rounds = 5 }
)", "cut.toml"));
  execution_result result;
  run_record r;
  r.trajectory = {9, 4, 3, 2, 1}; // steps 0 .. 40 of 0 .. 100
  r.round_errors = {9, 3, 1};
  r.rounds = std::make_shared<const batch_rounds>(batch_rounds{{0, 20, 40}, {2, 2, 2}});
  result.records.push_back(r);
  const auto s = summarize(plan, result);
  REQUIRE(s.entries.size() == 1);
  CHECK(s.entries[0].runs[0].trajectory_median == 2.5); // of 4, 3, 2 and 1
  CHECK(s.entries[0].runs[0].final_error == 1);
}
