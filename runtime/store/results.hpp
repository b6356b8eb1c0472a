// Aggregates run records over repetitions and writes the result files.
#pragma once

#include "numerics/paired.hpp"
#include "numerics/statistics.hpp"
#include "runtime/plan/run_plan.hpp"
#include "actors/run_data.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace lsgd {

/// Where a run diverged: the first recorded step (a round's end or a
/// recorded step) at which its error was not finite, and the round whose
/// local steps reached it (0: the initial model).
struct divergence_point {
  size_t repetition = 0;
  uint64_t round = 0;
  uint64_t step = 0;
};

/// Where `rec` diverged, if it did, by the plan's recorded steps. The server
/// records NaN from a divergence on; the NaN of a round it did not evaluate
/// ([record] rounds = "recorded") is no divergence.
std::optional<divergence_point> divergence_of(const run_record& rec, const record_plan& plan);

/// The error after the last round of `rec` that has one (the last round, once
/// complete): the final error.
double last_round_error(const run_record& rec, const record_plan& plan);

/// One repetition of an entry: a row of runs.csv.
struct run_summary {
  double final_error = 0;       // F(xbar_T) - F* (NaN once diverged)
  double trajectory_median = 0; // the median error over the recorded steps t >= 10 (NaN if diverged)
  uint64_t rounds = 0;          // rounds completed
  std::optional<divergence_point> divergence;
  double wall_seconds = 0;      // the batch's wall time / its repetitions
  std::optional<double> sim_seconds; // its simulated end ([cluster_model] only)
};

/// Where an entry's mean error first reached a [report] target (none: never).
struct target_reach {
  double target = 0;
  std::optional<uint64_t> step;  // the first recorded step with mean error <= target
  std::optional<uint64_t> round; // the round whose local steps reach it
  std::optional<double> sim_seconds; // the mean simulated time there ([cluster_model])
};

/// Everything reported for one (method, N) entry. The error statistics are
/// over the repetitions that did not diverge (over all if every one did).
struct entry_summary {
  std::string method;
  uint32_t N = 1;
  size_t reps = 0;
  uint64_t rounds = 0;
  mean_se final_error;      // F(xbar_T) - F* over repetitions
  double final_median = 0;  // its median over repetitions
  uint64_t messages = 0;    // per run: models exchanged (N per direction per round)
  uint64_t bytes = 0;       // per run: their parameter bytes
  double wall_seconds = 0;  // summed over the entry's runs
  std::vector<uint64_t> round_steps;
  std::vector<mean_se> round_errors; // per round, over repetitions
  std::vector<uint32_t> round_workers; // per round: workers averaged (fewest over repetitions)
  std::vector<mean_se> trajectory;   // per recorded step, over repetitions
  mean_se trajectory_median; // per run: median error over recorded t >= 10; over runs
  std::optional<mean_se> speedup;    // s1 / mean final error
  std::optional<mean_se> speedup_median; // the authors': s1 / mean trajectory_median
  std::vector<double> exact_trajectory; // E[F(xbar_t)] - F* where known exactly
  bool single_worker = false;
  std::string local_method; // the update rule with its resolved parameters
  std::vector<divergence_point> divergence; // the diverged repetitions, in order
  std::vector<run_summary> runs; // per repetition, in order
  // Against [report] baseline at the same N, paired over repetitions
  // (runtime/store/comparisons.hpp); none for the baseline itself.
  std::string baseline;
  std::optional<paired_comparison> paired;         // of the final errors
  std::optional<paired_comparison> paired_speedup; // of the speed-ups, sharing s1
  // [cluster_model] only (runtime/store/sim_time.hpp): mean simulated seconds
  // over repetitions at every round end and recorded step, and at the end.
  std::vector<double> round_sim;
  std::vector<double> trajectory_sim;
  std::optional<mean_se> sim_seconds;
  std::vector<target_reach> time_to_target; // per [report] target
};

struct experiment_summary {
  std::vector<entry_summary> entries;
  std::optional<mean_se> s1; // single-worker mean final error
  size_t s1_runs = 0;        // the single-worker runs it is over
  double wall_seconds = 0;
};

/// A number as JSON: null where it is not finite (JSON has no NaN or Inf).
nlohmann::json json_number(double x);

/// A number in the CSV files: 17 significant digits, "nan" for NaN.
std::string csv_number(double x);

experiment_summary summarize(const run_plan& plan, const execution_result& result);

/// "method N=n (k of reps repetitions)" for every entry with diverged
/// repetitions, separated by ", "; empty if none diverged.
std::string diverged_entries(const experiment_summary& s);

/// The resolved config of `plan` as JSON: every key of every table with its
/// value, defaults filled in, from the key tables (runtime/config).
nlohmann::json config_to_json(const run_plan& plan);

/// summary.json's content; a non-empty `failure` marks a partial result
/// ("complete": false, "failure": the reason).
nlohmann::json summary_to_json(const run_plan& plan, const experiment_summary& s,
                               const std::string& failure = {});

/// Writes summary.json, trajectory.csv, rounds.csv and runs.csv into `dir` (created if
/// needed); summary.json goes last, so its presence means a consistent set,
/// and its "complete" field says whether the run finished.
void write_results(const std::string& dir, const run_plan& plan, const experiment_summary& s,
                   const std::string& failure = {});

} // namespace lsgd
