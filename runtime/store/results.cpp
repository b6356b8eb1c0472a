#include "runtime/store/results.hpp"

#include "runtime/io/atomic_file.hpp"
#include "runtime/store/comparisons.hpp"
#include "runtime/store/provenance.hpp"
#include "runtime/store/runs_csv.hpp"
#include "runtime/store/sim_time.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>

namespace lsgd {

// JSON has no NaN or Inf: a diverged or undefined value is written as null.
nlohmann::json json_number(double x) {
  return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr);
}

std::string csv_number(double x) {
  if (std::isnan(x))
    return "nan";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.17g", x);
  return buf;
}

namespace {

nlohmann::json to_json(const mean_se& x) {
  return {{"mean", json_number(x.mean)}, {"stderr", json_number(x.se)}};
}

// The exact expected error curve at the recorded steps, where the local
// method knows one (SGD on the noisy quadratic); empty otherwise.
std::vector<double> exact_trajectory(const run_plan& plan, const plan_entry& e) {
  const auto all = e.local->expected_errors(e.N, e.times);
  if (all.empty())
    return {};
  std::vector<double> out;
  for (auto t : plan.recorded_steps.steps())
    out.push_back(all[t]);
  return out;
}

// A key's value as JSON (non-finite numbers as null).
struct value_json {
  nlohmann::json operator()(std::monostate) const {
    return nullptr;
  }
  nlohmann::json operator()(double d) const {
    return json_number(d);
  }
  nlohmann::json operator()(const std::vector<double>& xs) const {
    auto out = nlohmann::json::array();
    for (double x : xs)
      out.push_back(json_number(x));
    return out;
  }
  template <class T>
  nlohmann::json operator()(const T& x) const {
    return x;
  }
};

// Every key of a table with its resolved value; keys without one are left out.
nlohmann::json table_json(const values& v) {
  auto out = nlohmann::json::object();
  for (const auto& e : v.entries())
    if (!std::holds_alternative<std::monostate>(e.value))
      out[e.key] = std::visit(value_json{}, e.value);
  return out;
}

template <class Made>
nlohmann::json chosen_json(const chosen<Made>& c) {
  auto out = table_json(c.settings);
  out["type"] = c.type;
  return out;
}

// The authors' per-run error: the median of the run's error trajectory after
// the first 10 iterations (recorded steps t >= 10).
double trajectory_median(const run_plan& plan, const std::vector<double>& trajectory) {
  // The recorded steps ascend; a failed run's trajectory may stop early.
  const auto steps = plan.recorded_steps.steps();
  const auto from_10 = std::lower_bound(steps.begin(), steps.end(), uint64_t{10}) - steps.begin();
  const auto first
    = std::min<std::ptrdiff_t>(from_10, static_cast<std::ptrdiff_t>(trajectory.size()));
  std::vector<double> late(trajectory.begin() + first, trajectory.end());
  // A diverged run has none (and std::nth_element must not meet NaN).
  if (!std::all_of(late.begin(), late.end(), [](double x) { return std::isfinite(x); }))
    return std::numeric_limits<double>::quiet_NaN();
  return median(std::move(late));
}

} // namespace

std::optional<divergence_point> divergence_of(const run_record& rec, const record_plan& plan) {
  const auto finite = [](double x) { return std::isfinite(x); };
  const auto recorded = plan.steps();
  std::optional<uint64_t> step;
  for (size_t r = 0; r < rec.round_errors.size() && !step; ++r)
    if (!finite(rec.round_errors[r]) && plan.evaluates_round(rec.round_steps()[r]))
      step = rec.round_steps()[r];
  const auto k = std::find_if_not(rec.trajectory.begin(), rec.trajectory.end(), finite);
  if (k != rec.trajectory.end()) {
    const auto t = recorded[static_cast<size_t>(k - rec.trajectory.begin())];
    step = step ? std::min(*step, t) : t;
  }
  if (!step)
    return std::nullopt;
  // The round whose local steps reached it: the first to end at or after it.
  const auto end = std::lower_bound(rec.round_steps().begin(), rec.round_steps().end(), *step);
  return divergence_point{0, static_cast<uint64_t>(end - rec.round_steps().begin()), *step};
}

double last_round_error(const run_record& rec, const record_plan& plan) {
  auto r = rec.round_errors.size() - 1;
  while (r > 0 && !plan.evaluates_round(rec.round_steps()[r]))
    --r;
  return rec.round_errors[r];
}

std::string diverged_entries(const experiment_summary& s) {
  std::string out;
  for (const auto& e : s.entries)
    if (!e.divergence.empty())
      out += (out.empty() ? "" : ", ") + e.method + " N=" + std::to_string(e.N) + " ("
             + std::to_string(e.divergence.size()) + " of " + std::to_string(e.reps)
             + " repetitions)";
  return out;
}

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
    // The error statistics leave the diverged repetitions out, unless all diverged.
    std::vector<size_t> stats_reps;
    for (size_t rep = 0; rep < runs_of[e].size(); ++rep) {
      const auto& rec = result.records[runs_of[e][rep]];
      run_summary run{last_round_error(rec, plan.recorded_steps),
                      trajectory_median(plan, rec.trajectory), rec.round_errors.size() - 1,
                      divergence_of(rec, plan.recorded_steps),
                      rec.wall_seconds, std::nullopt};
      if (run.divergence) {
        run.divergence->repetition = rep;
        s.divergence.push_back(*run.divergence);
      } else {
        stats_reps.push_back(rep);
      }
      s.runs.push_back(run);
    }
    const bool all_diverged = stats_reps.empty();
    if (all_diverged)
      for (size_t rep = 0; rep < s.runs.size(); ++rep)
        stats_reps.push_back(rep);
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
    for (auto i : runs_of[e])
      s.wall_seconds += result.records[i].wall_seconds;
    std::vector<double> medians;
    for (auto rep : stats_reps) {
      finals.push_back(s.runs[rep].final_error);
      medians.push_back(s.runs[rep].trajectory_median);
    }
    s.final_error = lsgd::summarize(finals);
    s.trajectory_median = lsgd::summarize(medians);
    s.final_median = all_diverged ? std::numeric_limits<double>::quiet_NaN() : median(finals);
    std::vector<const double*> rounds, trajectories;
    for (auto rep : stats_reps) {
      const auto& rec = result.records[runs_of[e][rep]];
      rounds.push_back(rec.round_errors.data());
      trajectories.push_back(rec.trajectory.data());
    }
    s.round_errors = summarize_columns(rounds, first.round_errors.size());
    s.round_workers = first.round_workers();
    for (auto i : runs_of[e])
      for (size_t r = 0; r < s.round_workers.size(); ++r)
        s.round_workers[r] = std::min(s.round_workers[r], result.records[i].round_workers()[r]);
    s.trajectory = summarize_columns(trajectories, first.trajectory.size());
    s.exact_trajectory = exact_trajectory(plan, pe);
    if (pe.single_worker) {
      out.s1 = s.final_error;
      out.s1_runs = stats_reps.size();
    }
  }
  // Both definitions divide the same s1, the single workers' mean error at T.
  if (out.s1)
    for (auto& s : out.entries)
      if (!s.single_worker) {
        s.speedup = ratio(*out.s1, s.final_error);
        s.speedup_median = ratio(*out.s1, s.trajectory_median);
      }
  add_comparisons(plan, out);
  add_sim_times(plan, out);
  return out;
}

nlohmann::json config_to_json(const run_plan& plan) {
  const auto& c = plan.config;
  auto out = nlohmann::json::object();
  for (const auto& [name, v] : c.sections)
    if (name.empty())
      out.update(table_json(v));
    else { // "faults.inject" is the table inject inside faults
      auto pointer = "/" + name;
      std::replace(pointer.begin(), pointer.end(), '.', '/');
      out[nlohmann::json::json_pointer(pointer)] = table_json(v);
    }
  out["file"] = c.file;
  out["objective"] = chosen_json(c.objective);
  out["objective"]["dimension"] = plan.f->dimension();
  out["objective"]["x0"] = plan.x0;
  out["step_size"] = chosen_json(c.step_size);
  if (c.cluster) // its computed default, resolved
    out["cluster_model"]["bytes_per_model"] = resolved_cluster(plan).bytes_per_model;
  auto methods = nlohmann::json::array();
  for (const auto& m : c.methods) {
    const auto* rule = local_rule_registry().find(m.rule.type);
    nlohmann::json method = {{"name", m.name},
                             {"optimizer", m.rule.type},
                             {"schedule", chosen_json(m.schedule)}};
    if (rule && rule->uses_step_size)
      method["step_size"] = chosen_json(m.step_size);
    if (rule && !rule->table.empty())
      method[rule->table] = table_json(m.rule.settings);
    methods.push_back(std::move(method));
  }
  out["method"] = std::move(methods);
  return out;
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
                        {"final_error_median", json_number(e.final_median)},
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
    // Only where some diverged, so that the summaries of other runs stay as they were.
    if (!e.divergence.empty()) {
      j["diverged_repetitions"] = e.divergence.size();
      auto points = nlohmann::json::array();
      for (const auto& d : e.divergence)
        points.push_back({{"repetition", d.repetition}, {"round", d.round}, {"step", d.step}});
      j["divergence"] = std::move(points);
      j["statistics_over"] = e.divergence.size() < e.reps
                               ? "the " + std::to_string(e.reps - e.divergence.size())
                                   + " repetitions that did not diverge"
                               : std::string("every repetition (all diverged)");
    }
    if (e.speedup)
      j["speedup"] = to_json(*e.speedup);
    if (e.speedup_median)
      j["speedup_median"] = to_json(*e.speedup_median);
    if (e.paired)
      j["paired"] = comparison_json(e.baseline, *e.paired);
    if (e.paired_speedup)
      j["paired_speedup"] = comparison_json(e.baseline, *e.paired_speedup);
    if (!e.exact_trajectory.empty())
      j["exact_final_error"] = json_number(e.exact_trajectory.back());
    if (e.sim_seconds)
      j["sim_seconds"] = to_json(*e.sim_seconds);
    if (!plan.config.report.targets.empty()) {
      auto reached = nlohmann::json::array();
      for (const auto& t : e.time_to_target) {
        auto opt = [](const auto& x) { return x ? nlohmann::json(*x) : nlohmann::json(nullptr); };
        nlohmann::json one = {{"target", t.target}, {"step", opt(t.step)}, {"round", opt(t.round)}};
        if (plan.config.cluster)
          one["sim_seconds"] = t.sim_seconds ? json_number(*t.sim_seconds) : nlohmann::json(nullptr);
        reached.push_back(std::move(one));
      }
      j["time_to_target"] = std::move(reached);
    }
    results.push_back(std::move(j));
  }
  nlohmann::json out = {{"config", config_to_json(plan)},
                        {"complete", failure.empty()},
                        {"results", results},
                        {"wall_seconds", s.wall_seconds},
                        {"threads", plan.threads}};
  if (!failure.empty())
    out["failure"] = failure;
  if (std::any_of(s.entries.begin(), s.entries.end(), [](const auto& e) { return e.paired; }))
    out["paired_definition"] = paired_definition;
  out["provenance"] = provenance_json(plan);
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
  // sim_seconds: only with a [cluster_model], so other runs' files stay as they were.
  const bool sim = plan.config.cluster.has_value();
  traj << "method,N,t,mean_error,stderr,exact_error" << (sim ? ",sim_seconds" : "") << '\n';
  const auto steps = plan.recorded_steps.steps();
  for (const auto& e : s.entries)
    for (size_t k = 0; k < e.trajectory.size(); ++k) {
      traj << e.method << ',' << e.N << ',' << steps[k] << ','
           << csv_number(e.trajectory[k].mean) << ',' << csv_number(e.trajectory[k].se) << ','
           << (e.exact_trajectory.empty() ? "" : csv_number(e.exact_trajectory[k]));
      if (sim)
        traj << ',' << csv_number(e.trajectory_sim[k]);
      traj << '\n';
    }
  write_file_atomically((fs::path(dir) / "trajectory.csv").string(), traj.str());

  std::ostringstream rounds;
  rounds << "method,N,round,t,mean_error,stderr,workers" << (sim ? ",sim_seconds" : "") << '\n';
  for (const auto& e : s.entries)
    for (size_t r = 0; r < e.round_errors.size(); ++r) {
      rounds << e.method << ',' << e.N << ',' << r << ',' << e.round_steps[r] << ',';
      if (plan.recorded_steps.evaluates_round(e.round_steps[r])) // else no error: empty
        rounds << csv_number(e.round_errors[r].mean) << ',' << csv_number(e.round_errors[r].se);
      else
        rounds << ',';
      rounds << ',' << e.round_workers[r];
      if (sim)
        rounds << ',' << csv_number(e.round_sim[r]);
      rounds << '\n';
    }
  write_file_atomically((fs::path(dir) / "rounds.csv").string(), rounds.str());
  write_file_atomically((fs::path(dir) / "runs.csv").string(), runs_csv(s));

  write_file_atomically(summary_path, summary_to_json(plan, s, failure).dump(2) + "\n");
}

} // namespace lsgd
