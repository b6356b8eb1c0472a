// Every method against the [report] baseline at the same N, paired over the
// repetitions (which share their random numbers): summary.json's "paired" and
// "paired_speedup", and the table's "vs" column.
#pragma once

#include "runtime/store/results.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace lsgd {

/// Fills entry_summary::paired (and paired_speedup where s1 exists) of every
/// entry but the baseline's own and the single workers'. Repetition r of the
/// entry is paired with repetition r of the baseline at the same N; a pair
/// where either run diverged is left out (and counted). summarize() calls it.
void add_comparisons(const run_plan& plan, experiment_summary& s);

/// An entry's "paired" or "paired_speedup" object: baseline, repetitions (the
/// pairs used), pairs_left_out, level, difference, stderr, interval, ratio,
/// ratio_stderr, ratio_interval; errors and intervals null below two pairs.
nlohmann::json comparison_json(const std::string& baseline, const paired_comparison& p);

/// What the comparisons are, for summary.json's "paired_definition".
extern const char* const paired_definition;

/// The table's column: "-7.1% ±0.9% vs sync" (the ratio's change and its
/// interval's half-width), "baseline" for the baseline, "" where none.
std::string comparison_cell(const entry_summary& e, const std::string& baseline);

} // namespace lsgd
