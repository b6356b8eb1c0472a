// Expands a config into the runs to execute: every method x N x repetition.
#pragma once

#include "numerics/local_optimizer.hpp"
#include "numerics/record_plan.hpp"
#include "numerics/schedule.hpp"
#include "runtime/config/config.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lsgd {

/// One (method, N) combination: its repetitions share a schedule.
struct plan_entry {
  std::string method;
  uint32_t N = 1;
  comm_times times;
  std::shared_ptr<const local_method> local;
  bool single_worker = false; // the s1 reference of a speed-up sweep
  method_config config;
  uint32_t reps = 1;     // repetitions of this entry
  size_t first_run = 0;  // where its runs start in the list of all runs
};

/// Repetitions first_rep .. first_rep + reps - 1 of entries[entry], run
/// together by one server (a round's messages serve them all).
struct run_batch {
  size_t entry = 0;
  uint32_t first_rep = 0;
  uint32_t reps = 1;
};

struct run_plan {
  experiment_config config;
  std::shared_ptr<const objective> f;
  std::vector<double> x0;                // the start, length d
  std::optional<optimum_report> optimum; // a data objective's F*: from the cache or Newton
  record_plan recorded_steps{1, 1}; // the steps whose virtual average is observed
  std::vector<plan_entry> entries;
  std::vector<run_batch> batches; // entry-major, then repetition
  uint32_t threads = 1;
  uint32_t batch_threads = 1; // the thread count the batches were cut for

  /// The number of runs: the repetitions of every entry.
  size_t runs() const {
    return entries.empty() ? 0 : entries.back().first_run + entries.back().reps;
  }

  /// Where the record of repetition `rep` of entry `entry` is kept.
  size_t run_index(size_t entry, uint32_t rep) const {
    return entries[entry].first_run + rep;
  }

  /// How many worker ids one actor hosts for N workers.
  uint32_t workers_per_actor(uint32_t N) const;
};

/// The name of the single-worker reference entries.
inline const std::string single_worker_method = "single";

/// Builds every schedule and local method up front, so a config that cannot
/// run fails before any work starts (config_error naming the method).
/// `layout_threads` (0: the plan's own thread count) is the thread count the
/// batches are cut for; a resumed run passes the one of its checkpoints.
run_plan make_plan(const experiment_config& c, uint32_t layout_threads = 0);

} // namespace lsgd
