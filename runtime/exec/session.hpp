// One run of the command line, `run` or `serve`, from its config (or the
// interrupted run stored in a results folder) to its results folder: the
// resume check, the stored run.json, the plan, checkpoints, and complete or
// partial results with the hint how to continue. Only the execution differs.
#pragma once

#include "actors/run_data.hpp"
#include "runtime/exec/runner.hpp"
#include "runtime/plan/run_plan.hpp"
#include "runtime/store/checkpoint.hpp"
#include "runtime/store/results.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lsgd {

struct session_request {
  std::string command = "run"; // names the command in messages
  std::string config_file;
  std::vector<std::string> overrides;
  std::string out_dir;    // default results/<name>
  std::string resume_dir; // continue the interrupted run stored there
  int threads = 0;        // 0: the config's
  bool overwrite = false; // replace the results of an earlier run in out_dir
  bool fail_on_divergence = false; // exit 1 if a repetition diverged (results written)
  /// serve: narrows the config to what it serves and notes the choice in the
  /// description (resuming: the stored choice). Throws config_error.
  std::function<experiment_config(experiment_config, run_description&, bool resuming)> narrow;
};

/// What an execution gave: every record, or why it failed with the records
/// of the rounds completed before (possibly none).
struct execution_outcome {
  execution_result result;
  std::string failure; // empty: complete; else the line for the user
  bool resumable = true; // a failure leaves something --resume continues
};

/// How a session executes its plan: in process (run) or served (serve).
class executor {
public:
  virtual ~executor() = default;
  /// Checks that need the plan, before anything is written; throws
  /// config_error or checkpoint_error.
  virtual void check(const run_plan&, const checkpointing&) {}
  /// Runs every run of `plan`; calls `ready` once it can run (serve: once
  /// listening) and before any checkpoint is written. Throws what `ready` throws.
  virtual execution_outcome execute(const run_plan& plan, const run_description& run,
                                    const checkpointing& ck,
                                    const std::function<void()>& ready)
    = 0;
  /// The command line that continues the run stored in `dir`.
  virtual std::string resume_command(const std::string& dir) const = 0;
  /// The run is complete and its results are in `dir`.
  virtual void done(const run_plan&, const experiment_summary&, const execution_result&,
                    const std::string&) {}
};

class session {
public:
  /// Reads the config (or the stored run), checks its local files and plans
  /// it. Throws config_error, or checkpoint_error when resuming fails.
  explicit session(const session_request& request);

  const run_plan& plan() const { return plan_; }
  const std::string& out_dir() const { return out_dir_; }
  bool resuming() const { return resuming_; }

  /// Executes the plan with `how`, writes the results; returns the exit code:
  /// 0 done (diverged repetitions are results, reported in one line on
  /// stderr), 1 the run failed (partial results kept) or, with
  /// fail_on_divergence, a repetition diverged, 2 bad input.
  int run(executor& how);

private:
  void prepare_folder(const checkpoint_store& store) const;

  session_request request_;
  bool resuming_ = false;
  run_description description_;
  run_plan plan_;
  std::string out_dir_;
};

/// Makes the session of `request` into `out`; returns 0, or 2 after printing
/// the one-line error of a bad config, checkpoint or results folder.
int open_session(const session_request& request, std::unique_ptr<session>& out);

} // namespace lsgd
