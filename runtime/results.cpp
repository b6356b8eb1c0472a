#include "runtime/results.hpp"

#include "numerics/quadratic_moments.hpp"
#include "runtime/atomic_file.hpp"
#include "runtime/problem.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace lsgd {

namespace {

// JSON has no NaN or Inf: a diverged or undefined value is written as null.
nlohmann::json number(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

nlohmann::json to_json(const mean_se& x) {
  return {{"mean", number(x.mean)}, {"stderr", number(x.se)}};
}

std::string csv_number(double x) {
  if (std::isnan(x))
    return "nan";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", x);
  return buf;
}

nlohmann::json step_size_to_json(const step_size_config& s) {
  if (s.type == "inverse_time")
    return {{"type", s.type}, {"alpha", s.alpha}, {"mu", s.mu}, {"beta", s.beta}};
  if (s.type == "harmonic")
    return {{"type", s.type}, {"eta", s.eta}, {"cap", s.cap}};
  return {{"type", s.type}, {"eta", s.eta}};
}

// The exact expected error curve, where the objective admits one (SGD on
// the noisy quadratic), at the recorded steps; empty otherwise.
std::vector<double> exact_trajectory(const run_plan& plan, const plan_entry& e) {
  const auto& o = plan.config.objective;
  if (o.type != "noisy_quadratic" || e.config.optimizer != "sgd")
    return {};
  const auto curvature = Eigen::Map<const Eigen::VectorXd>(
    o.curvature.data(), static_cast<Eigen::Index>(o.curvature.size()));
  const auto x0 = Eigen::Map<const Eigen::VectorXd>(o.x0.data(),
                                                    static_cast<Eigen::Index>(o.x0.size()));
  const auto all = noisy_quadratic_expected_error(curvature, o.multiplicative_noise,
                                                  o.additive_noise, x0, e.N,
                                                  make_step_size(e.config.step_size), e.times);
  std::vector<double> out;
  for (auto t : plan.records.steps())
    out.push_back(all[t]);
  return out;
}

// The authors' per-run error: the median of the run's error trajectory after
// the first 10 iterations (recorded steps t >= 10).
double trajectory_median(const run_plan& plan, const std::vector<double>& trajectory) {
  const auto steps = plan.records.steps();
  std::vector<double> late;
  for (size_t k = 0; k < steps.size(); ++k)
    if (steps[k] >= 10)
      late.push_back(trajectory[k]);
  return median(late);
}

} // namespace

experiment_summary summarize(const run_plan& plan, const execution_result& result) {
  experiment_summary out;
  out.wall_seconds = result.wall_seconds;
  out.entries.resize(plan.entries.size());
  // Run indices by entry, in repetition order.
  std::vector<std::vector<size_t>> runs_of(plan.entries.size());
  for (size_t e = 0; e < plan.entries.size(); ++e)
    for (uint32_t rep = 0; rep < plan.entries[e].reps; ++rep)
      runs_of[e].push_back(plan.run_index(e, rep));
  for (size_t e = 0; e < plan.entries.size(); ++e) {
    const auto& pe = plan.entries[e];
    auto& s = out.entries[e];
    s.method = pe.method;
    s.N = pe.N;
    s.single_worker = pe.single_worker;
    s.local_method = pe.local->describe();
    s.reps = runs_of[e].size();
    s.rounds = schedules::rounds(pe.times);
    s.round_steps = pe.times;
    std::vector<double> finals;
    const auto& first = result.records[runs_of[e].front()];
    s.messages = first.messages;
    s.bytes = first.bytes;
    for (auto i : runs_of[e]) {
      finals.push_back(result.records[i].round_errors.back());
      s.wall_seconds += result.records[i].wall_seconds;
    }
    s.final_error = lsgd::summarize(finals);
    std::vector<double> medians;
    for (auto i : runs_of[e])
      medians.push_back(trajectory_median(plan, result.records[i].trajectory));
    s.trajectory_median = lsgd::summarize(medians);
    s.final_median = median(finals);
    std::vector<const double*> rounds, trajectories;
    for (auto i : runs_of[e]) {
      rounds.push_back(result.records[i].round_errors.data());
      trajectories.push_back(result.records[i].trajectory.data());
    }
    s.round_errors = summarize_columns(rounds, first.round_errors.size());
    s.round_workers = first.round_workers;
    for (auto i : runs_of[e])
      for (size_t r = 0; r < s.round_workers.size(); ++r)
        s.round_workers[r] = std::min(s.round_workers[r], result.records[i].round_workers[r]);
    s.trajectory = summarize_columns(trajectories, first.trajectory.size());
    s.exact_trajectory = exact_trajectory(plan, pe);
    if (pe.single_worker)
      out.s1 = s.final_error;
  }
  // Both definitions divide the same s1, the single workers' mean error at T.
  if (out.s1)
    for (auto& s : out.entries)
      if (!s.single_worker) {
        s.speedup = ratio(*out.s1, s.final_error);
        s.speedup_median = ratio(*out.s1, s.trajectory_median);
      }
  return out;
}

nlohmann::json config_to_json(const experiment_config& c) {
  nlohmann::json o = {{"type", c.objective.type},
                      {"dimension", c.objective.dimension},
                      {"x0", c.objective.x0}};
  if (c.objective.type == "noisy_quadratic") {
    o["curvature"] = c.objective.curvature;
    o["multiplicative_noise"] = c.objective.multiplicative_noise;
    o["additive_noise"] = c.objective.additive_noise;
  } else if (is_data_objective(c.objective)) {
    const auto& d = c.objective;
    o["data"] = d.data;
    o["format"] = d.format;
    if (d.format == "csv") {
      o["header"] = d.header;
      o["label_column"] = d.label_name.empty() ? nlohmann::json(d.label_index)
                                               : nlohmann::json(d.label_name);
    }
    if (!d.labels.empty())
      o["labels"] = d.labels;
    o["standardize"] = d.standardize;
    o["intercept"] = d.intercept;
    o["lambda"] = d.lambda;
    o["batch_size"] = d.batch_size;
    o["split"] = d.split;
  } else {
    o["mu"] = c.objective.mu;
    o["L"] = c.objective.L;
    o["sigma"] = c.objective.sigma;
  }
  nlohmann::json methods = nlohmann::json::array();
  for (const auto& m : c.methods) {
    nlohmann::json sched = {{"type", m.schedule.type}};
    if (m.schedule.period > 0)
      sched["period"] = m.schedule.period;
    if (!m.schedule.rounds.empty())
      sched["rounds"] = m.schedule.rounds;
    if (!m.schedule.times.empty())
      sched["times"] = m.schedule.times;
    nlohmann::json method = {{"name", m.name},
                             {"optimizer", m.optimizer},
                             {"schedule", sched},
                             {"step_size", step_size_to_json(m.step_size)}};
    if (m.optimizer != "sgd")
      method["fedac"] = {{"mu", number(m.fedac.mu)},
                         {"L", number(m.fedac.L)},
                         {"sigma", number(m.fedac.sigma)}};
    methods.push_back(std::move(method));
  }
  return {{"name", c.name},
          {"file", c.file},
          {"seed", c.seed},
          {"repetitions", c.repetitions},
          {"T", c.T},
          {"N", c.N},
          {"record_every", c.record_every},
          {"objective", o},
          {"step_size", step_size_to_json(c.step_size)},
          {"method", methods},
          {"speedup", {{"enabled", c.speedup}, {"repetitions", c.speedup_repetitions}}},
          {"random", {{"generator", generator_name(c.random.generator)}}},
          {"runtime",
           {{"threads", c.runtime.threads},
            {"workers_per_actor", c.runtime.workers_per_actor},
            {"repetitions_per_actor", c.runtime.repetitions_per_actor},
            {"max_concurrent_runs", c.runtime.max_concurrent_runs}}},
          {"faults",
           {{"on_worker_loss", c.faults.on_worker_loss},
            {"deadline_factor", c.faults.deadline_factor},
            {"deadline_floor", c.faults.deadline_floor},
            {"first_round_deadline", c.faults.first_round_deadline}}},
          {"checkpoint",
           {{"enabled", c.checkpoint.enabled}, {"interval", c.checkpoint.interval}}}};
}

nlohmann::json summary_to_json(const run_plan& plan, const experiment_summary& s,
                               const std::string& failure) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& e : s.entries) {
    nlohmann::json j = {{"method", e.method},
                        {"N", e.N},
                        {"reps", e.reps},
                        {"rounds", e.rounds},
                        {"rounds_completed", e.round_errors.size() - 1},
                        {"final_error", to_json(e.final_error)},
                        {"final_error_median", number(e.final_median)},
                        {"trajectory_median_error", to_json(e.trajectory_median)},
                        {"messages", e.messages},
                        {"bytes", e.bytes},
                        {"wall_seconds", e.wall_seconds},
                        {"local_method", e.local_method}};
    // Rounds that averaged fewer than N workers (the "continue" loss policy).
    const auto fewest = e.round_workers.empty()
                          ? e.N
                          : *std::min_element(e.round_workers.begin(), e.round_workers.end());
    j["fewest_workers_averaged"] = fewest;
    if (fewest < e.N)
      j["workers_averaged"] = e.round_workers;
    if (e.speedup)
      j["speedup"] = to_json(*e.speedup);
    if (e.speedup_median)
      j["speedup_median"] = to_json(*e.speedup_median);
    if (!e.exact_trajectory.empty())
      j["exact_final_error"] = number(e.exact_trajectory.back());
    results.push_back(std::move(j));
  }
  nlohmann::json out = {{"config", config_to_json(plan.config)},
                        {"complete", failure.empty()},
                        {"results", results},
                        {"wall_seconds", s.wall_seconds},
                        {"threads", plan.threads}};
  if (!failure.empty())
    out["failure"] = failure;
  if (plan.optimum) {
    const auto& o = *plan.optimum;
    out["optimum"] = {{"F*", o.value},
                      {"gradient_norm", o.gradient_norm},
                      {"source", o.from_cache ? "cache" : "Newton"},
                      {"newton_iterations", o.newton_iterations},
                      {"cache_file", o.cache_file}};
    if (!o.note.empty())
      out["optimum"]["note"] = o.note;
  }
  if (s.s1) {
    out["s1"] = to_json(*s.s1);
    out["speedup_definition"]
      = "s1: the mean error F(x_T) - F* at T of single workers (method \"single\", N = 1). "
        "speedup (plain): s1 / E_N with E_N the mean error F(xbar_T) - F* at T over "
        "repetitions. speedup_median (the authors' notebook): s1 / E_N with E_N the "
        "trajectory_median_error, the mean over runs of each run's median error over the "
        "recorded steps t >= 10 (record_every = 1 gives every iteration). stderr by the "
        "delta method, treating s1 and E_N as independent";
  }
  return out;
}

void write_results(const std::string& dir, const run_plan& plan, const experiment_summary& s,
                   const std::string& failure) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  const auto summary_path = (fs::path(dir) / "summary.json").string();
  // Whatever happens below, no stale summary may vouch for new files.
  std::remove(summary_path.c_str());

  std::ostringstream traj;
  traj << "method,N,t,mean_error,stderr,exact_error\n";
  const auto steps = plan.records.steps();
  for (const auto& e : s.entries)
    for (size_t k = 0; k < e.trajectory.size(); ++k)
      traj << e.method << ',' << e.N << ',' << steps[k] << ','
           << csv_number(e.trajectory[k].mean) << ',' << csv_number(e.trajectory[k].se) << ','
           << (e.exact_trajectory.empty() ? "" : csv_number(e.exact_trajectory[k])) << '\n';
  write_file_atomically((fs::path(dir) / "trajectory.csv").string(), traj.str());

  std::ostringstream rounds;
  rounds << "method,N,round,t,mean_error,stderr,workers\n";
  for (const auto& e : s.entries)
    for (size_t r = 0; r < e.round_errors.size(); ++r)
      rounds << e.method << ',' << e.N << ',' << r << ',' << e.round_steps[r] << ','
             << csv_number(e.round_errors[r].mean) << ','
             << csv_number(e.round_errors[r].se) << ',' << e.round_workers[r] << '\n';
  write_file_atomically((fs::path(dir) / "rounds.csv").string(), rounds.str());

  write_file_atomically(summary_path, summary_to_json(plan, s, failure).dump(2) + "\n");
}

} // namespace lsgd
