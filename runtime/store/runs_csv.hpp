// runs.csv: one row per (method, N, repetition), for statistics of one's own.
#pragma once

#include "runtime/store/results.hpp"

#include <string>

namespace lsgd {

/// The header of runs.csv; README's output section documents every column.
inline const char* const runs_csv_header
  = "method,N,repetition,final_error,median_error_t10,rounds,diverged,diverged_step,"
    "wall_seconds";

/// runs.csv's text: the header, then every entry's repetitions in order.
/// median_error_t10 is the run's median error over the recorded steps t >= 10
/// (the per-run value behind summary.json's trajectory_median_error; with
/// record_every = k only the multiples of k count); diverged is 0 or 1 and
/// diverged_step the first recorded step whose error was not finite (empty
/// if none); wall_seconds is the run's batch's wall time / its repetitions.
std::string runs_csv(const experiment_summary& s);

} // namespace lsgd
