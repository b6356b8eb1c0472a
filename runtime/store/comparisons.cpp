#include "runtime/store/comparisons.hpp"

#include <cmath>
#include <cstdio>

namespace lsgd {

namespace {

nlohmann::json interval(const interval_estimate& x) {
  if (!std::isfinite(x.lo) || !std::isfinite(x.hi))
    return nullptr;
  return {x.lo, x.hi};
}

std::vector<double> final_errors(const entry_summary& e) {
  std::vector<double> out;
  for (const auto& r : e.runs)
    out.push_back(r.divergence ? std::nan("") : r.final_error);
  return out;
}

} // namespace

const char* const paired_definition
  = "paired: every method against the [report] baseline at the same N, repetition r with "
    "repetition r (both saw the same random numbers); a pair where either run diverged is "
    "left out and counted in pairs_left_out. difference: the mean of the paired differences "
    "of the final errors F(xbar_T) - F*, stderr s_d / sqrt(n); ratio: mean error / the "
    "baseline's mean error, its stderr by the delta method on the pairs. Intervals: Student t "
    "with n - 1 degrees of freedom at the given level; null below two pairs. paired_speedup: "
    "the same for the speed-ups s1 / E_N, which share s1: difference s1 (1/E_N - 1/E_base) "
    "with s1's error added (independent; Welch-Satterthwaite degrees of freedom), ratio "
    "E_base / E_N, in which s1 cancels";

void add_comparisons(const run_plan& plan, experiment_summary& s) {
  const auto& baseline = plan.config.report.baseline;
  const double level = plan.config.report.confidence;
  for (const auto& base : s.entries) {
    if (base.single_worker || base.method != baseline)
      continue;
    const auto b = final_errors(base);
    for (auto& e : s.entries) {
      if (e.single_worker || e.N != base.N || e.method == baseline)
        continue;
      const auto a = final_errors(e);
      e.baseline = baseline;
      e.paired = compare_paired(a, b, level);
      if (s.s1)
        e.paired_speedup = compare_speedups(*s.s1, s.s1_runs, a, b, level);
    }
  }
}

nlohmann::json comparison_json(const std::string& baseline, const paired_comparison& p) {
  return {{"baseline", baseline},
          {"repetitions", p.pairs},
          {"pairs_left_out", p.left_out},
          {"level", p.level},
          {"difference", json_number(p.difference.value)},
          {"stderr", json_number(p.difference.se)},
          {"interval", interval(p.difference)},
          {"ratio", json_number(p.ratio.value)},
          {"ratio_stderr", json_number(p.ratio.se)},
          {"ratio_interval", interval(p.ratio)}};
}

std::string comparison_cell(const entry_summary& e, const std::string& baseline) {
  if (!e.paired)
    return e.method == baseline && !e.single_worker ? "baseline" : "";
  const auto& r = e.paired->ratio;
  if (!std::isfinite(r.value))
    return "n/a vs " + e.baseline;
  char buf[96];
  if (std::isfinite(r.lo))
    std::snprintf(buf, sizeof(buf), "%+.1f%% ±%.1f%% vs ", 100 * (r.value - 1),
                  50 * (r.hi - r.lo));
  else
    std::snprintf(buf, sizeof(buf), "%+.1f%% vs ", 100 * (r.value - 1));
  return buf + e.baseline;
}

} // namespace lsgd
