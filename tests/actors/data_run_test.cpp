// Whole runs on a data set through the actors: determinism, shards, FedAC.
#include "runtime/store/results.hpp"
#include "runtime/plan/run_plan.hpp"
#include "runtime/exec/runner.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace lsgd;

namespace {

const std::string tiny_logistic = R"toml(
seed = 9
repetitions = 5
T = 80
N = [1, 3, 4]
record_every = 4
[objective]
type = "logistic_regression"
data = ")toml" + std::string(LSGD_SOURCE_DIR) + R"toml(/tests/data/tiny.csv"
header = true
lambda = 0.1
batch_size = 2
[step_size]
type = "inverse_time"
alpha = 2.0
mu = 0.1
beta = 10
[[method]]
name = "sync"
schedule = "synchronous"
[[method]]
name = "increasing"
schedule = { type = "increasing", rounds = "N" }
[[method]]
name = "fedac1"
optimizer = "fedac1"
schedule = { type = "constant", rounds = "sqrt(N)" }
fedac = { sigma = 1.0 }
)toml";

std::vector<run_record> records(std::vector<std::string> overrides) {
  return execute(make_plan(parse_config(tiny_logistic, "data.toml", overrides)), false).records;
}

bool same(const std::vector<run_record>& a, const std::vector<run_record>& b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].trajectory != b[i].trajectory || a[i].round_errors != b[i].round_errors)
      return false;
  return true;
}

} // namespace

TEST_CASE("data objectives: identical numbers for any thread count and grouping") {
  // d = 4 and d = 3 (odd: model columns at every 8-byte alignment).
  for (const char* split : {"\"shared\"", "\"sharded\""}) {
    for (const char* intercept : {"true", "false"}) {
      CAPTURE(split);
      CAPTURE(intercept);
      const std::string s = std::string("objective.split=") + split;
      const std::string i = std::string("objective.intercept=") + intercept;
      const auto base = records({s, i, "runtime.threads=1", "runtime.workers_per_actor=1",
                                 "runtime.repetitions_per_actor=1"});
      for (const auto& r : base) {
        REQUIRE(r.complete);
        CHECK(std::isfinite(r.round_errors.back()));
        CHECK(r.round_errors.back() >= 0);
      }
      CHECK(same(base, records({s, i, "runtime.threads=2", "runtime.workers_per_actor=2"})));
      CHECK(same(base, records({s, i, "runtime.threads=3", "runtime.workers_per_actor=3",
                                "runtime.repetitions_per_actor=5"})));
      CHECK(same(base, records({s, i, "runtime.threads=2", "runtime.repetitions_per_actor=2"})));
    }
  }
}

TEST_CASE("data objectives: sharded differs from shared, except with one worker") {
  const auto plan = make_plan(parse_config(tiny_logistic, "data.toml"));
  const auto shared = records({});
  const auto sharded = records({"objective.split=\"sharded\""});
  for (size_t e = 0; e < plan.entries.size(); ++e) {
    CAPTURE(plan.entries[e].method);
    CAPTURE(plan.entries[e].N);
    const auto i = plan.run_index(e, 0);
    // Worker 0 of 1 has every row as its shard: the same draws.
    if (plan.entries[e].N == 1)
      CHECK(shared[i].trajectory == sharded[i].trajectory);
    else
      CHECK(shared[i].trajectory != sharded[i].trajectory);
  }
}

TEST_CASE("data objectives: SGD reduces the error, FedAC takes mu = lambda and L from the data") {
  const auto plan = make_plan(parse_config(tiny_logistic, "data.toml", {"T=400"}));
  CHECK(plan.entries[6].local->describe().find("FedAC-I, eta = ") == 0);
  const auto summary = summarize(plan, execute(plan, false));
  for (const auto& e : summary.entries) {
    CAPTURE(e.method);
    CHECK(e.final_error.mean < 0.05 * e.round_errors.front().mean);
  }
  // Multinomial logistic regression on the same two classes runs too.
  const auto multi = make_plan(
    parse_config(tiny_logistic, "data.toml", {"objective.type=\"multinomial_logistic\""}));
  CHECK(multi.f->dimension() == 8); // (3 features + intercept) x 2 classes
  CHECK(summarize(multi, execute(multi, false)).entries[3].final_error.mean < 0.05);
}

TEST_CASE("[record] rounds = \"recorded\": F only after rounds at recorded steps, the same "
          "numbers there, no error elsewhere") {
  const auto all = records({});
  const auto plan = make_plan(parse_config(tiny_logistic, "data.toml", {"record.rounds=\"recorded\""}));
  const auto skipping = execute(plan, false).records;
  REQUIRE(all.size() == skipping.size());
  size_t skipped = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& a = all[i];
    const auto& s = skipping[i];
    CHECK(a.trajectory == s.trajectory);
    CHECK(a.round_steps() == s.round_steps());
    REQUIRE(a.round_errors.size() == s.round_errors.size());
    for (size_t r = 0; r < a.round_errors.size(); ++r) {
      CAPTURE(r);
      if (plan.recorded_steps.records(s.round_steps()[r])) {
        CHECK(a.round_errors[r] == s.round_errors[r]);
      } else {
        CHECK(std::isnan(s.round_errors[r]));
        ++skipped;
      }
    }
  }
  CHECK(skipped > 0); // sync has a round per step, record_every = 4
  // The summary: no divergence, and the same final errors.
  const auto summary = summarize(plan, {skipping, 0});
  for (const auto& e : summary.entries) {
    CHECK(e.divergence.empty());
    CHECK(std::isfinite(e.final_error.mean));
  }
}
