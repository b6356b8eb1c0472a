// Which entries are compared with the baseline, and how the pairs appear in
// summary.json, the table and runs.csv (runtime/store/comparisons.hpp).
#include "runtime/store/comparisons.hpp"
#include "runtime/store/runs_csv.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace lsgd;

namespace {

const double NaN = std::nan("");

entry_summary entry(std::string method, uint32_t N, std::vector<double> finals) {
  entry_summary e;
  e.method = std::move(method);
  e.N = N;
  e.reps = finals.size();
  for (size_t rep = 0; rep < finals.size(); ++rep) {
    run_summary r{finals[rep], finals[rep] * 2, 5, std::nullopt, 0.25, std::nullopt};
    if (std::isnan(finals[rep]))
      r.divergence = divergence_point{rep, 3, 30};
    e.runs.push_back(r);
  }
  return e;
}

run_plan plan_with(const std::string& baseline) {
  run_plan plan;
  plan.config.report.baseline = baseline;
  plan.config.report.confidence = 0.9;
  return plan;
}

} // namespace

TEST_CASE("every entry against the baseline at its N, diverged pairs left out and counted") {
  experiment_summary s;
  s.entries = {entry("sync", 2, {1, 2, 4}), entry("a", 2, {1.5, NaN, 5}),
               entry("a", 4, {1, 1, 1}), entry("sync", 8, {1, 2}), entry("b", 8, {2})};
  add_comparisons(plan_with("sync"), s);
  CHECK(!s.entries[0].paired); // the baseline itself
  const auto& a = s.entries[1];
  REQUIRE(a.paired);
  CHECK(a.baseline == "sync");
  CHECK(a.paired->pairs == 2);
  CHECK(a.paired->left_out == 1);
  CHECK(a.paired->level == 0.9);
  CHECK(a.paired->difference.value == doctest::Approx(0.75)); // (0.5 + 1) / 2
  CHECK(a.paired->ratio.value == doctest::Approx(6.5 / 5));
  CHECK(!a.paired_speedup); // no s1
  CHECK(!s.entries[2].paired); // no baseline at N = 4
  REQUIRE(s.entries[4].paired);  // b runs once; sync's second repetition has no partner
  CHECK(s.entries[4].paired->pairs == 1);
  CHECK(comparison_cell(s.entries[0], "sync") == "baseline");
  CHECK(comparison_cell(s.entries[2], "sync").empty());
  CHECK(comparison_cell(s.entries[4], "sync") == "+100.0% vs sync");
  // The interval's half-width in percent of the baseline's mean.
  const auto cell = comparison_cell(a, "sync");
  CHECK(cell.rfind("+30.0% ±", 0) == 0);
  CHECK(cell.find("% vs sync") != std::string::npos);

  const auto j = comparison_json("sync", *a.paired);
  CHECK(j["repetitions"] == 2);
  CHECK(j["pairs_left_out"] == 1);
  CHECK(j["interval"].size() == 2);
  const auto one = comparison_json("sync", *s.entries[4].paired);
  CHECK(one["difference"] == 1.0);
  CHECK(one["stderr"].is_null()); // null, never NaN
  CHECK(one["interval"].is_null());
  CHECK(one["ratio_interval"].is_null());
}

TEST_CASE("the speed-ups are compared where s1 exists, never for the single workers") {
  experiment_summary s;
  s.entries = {entry("single", 1, {8, 12}), entry("sync", 2, {1, 2}), entry("a", 2, {2, 2})};
  s.entries[0].single_worker = true;
  s.s1 = mean_se{10, 2};
  s.s1_runs = 2;
  add_comparisons(plan_with("sync"), s);
  CHECK(!s.entries[0].paired);
  REQUIRE(s.entries[2].paired_speedup);
  CHECK(s.entries[2].paired_speedup->difference.value == doctest::Approx(10 / 2.0 - 10 / 1.5));
  CHECK(s.entries[2].paired_speedup->ratio.value == doctest::Approx(1.5 / 2.0));
}

TEST_CASE("runs.csv: a row per repetition, the divergence step where there is one") {
  experiment_summary s;
  s.entries = {entry("sync", 2, {1, 2}), entry("a", 2, {0.5, NaN})};
  CHECK(runs_csv(s) == std::string(runs_csv_header) + "\n"
                         "sync,2,0,1,2,5,0,,0.25\n"
                         "sync,2,1,2,4,5,0,,0.25\n"
                         "a,2,0,0.5,1,5,0,,0.25\n"
                         "a,2,1,nan,nan,5,1,30,0.25\n");
}
