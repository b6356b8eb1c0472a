// Checkpoints on disk: what a run needs to continue after its process died.
//
// <results folder>/checkpoint/ holds run.json (what ran: the config text and
// overrides, and for `serve` the method and N) and one batch-<i>.ckpt per
// batch of repetitions, replaced atomically after rounds. A batch file of a
// finished batch holds its complete records, so a resumed run skips it.
// Every file is sealed and tied to its run (checkpoint_file.hpp): a damaged,
// edited or foreign file is refused with checkpoint_error, never used.
#pragma once

#include "actors/run_data.hpp"
#include "runtime/plan/run_plan.hpp"
#include "runtime/store/checkpoint_file.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lsgd {

/// Batch `index` of `plan` as its checkpoint names it.
batch_identity identity_in(const run_plan& plan, size_t index);

class checkpoint_store {
public:
  /// Checkpoints of the run whose results go to `results_dir`; batch files
  /// are checked against `plan`'s shapes if given (always give it where a
  /// plan exists: without it a batch file's record lengths are unchecked).
  explicit checkpoint_store(std::string results_dir, const run_plan* plan = nullptr);
  checkpoint_store(std::string results_dir, const run_plan& plan)
    : checkpoint_store(std::move(results_dir), &plan) {
  }

  /// Starts afresh: removes old batch files, writes run.json.
  void begin(const run_description& run) const;

  /// The run.json of an interrupted run; throws checkpoint_error if there is
  /// none or it is damaged.
  run_description description() const;

  /// The config file of that run as an absolute path: relative paths in the
  /// config (data, TLS files) resolve against its folder, so a resumed run
  /// finds them from any working directory.
  std::string config_path() const;

  /// Writes batch `index`'s checkpoint atomically; safe to call from several
  /// threads for different batches. Throws std::runtime_error.
  void save(size_t index, const batch_identity& id, const server_checkpoint& c) const;

  /// Batch `index`'s checkpoint, if one was written; throws checkpoint_error
  /// if it is damaged, belongs to another run or batch, or does not fit.
  std::optional<server_checkpoint> load(size_t index, const batch_identity& id) const;

  /// Loads every batch file of the plan given to the constructor, so that a
  /// resume refuses a bad checkpoint before any work. Throws checkpoint_error.
  void verify() const;

  /// Removes the folder once the results are written.
  void remove() const;

  const std::string& folder() const {
    return dir_;
  }

private:
  std::string file(size_t index) const;
  std::string run_hash() const;

  std::string dir_;
  std::vector<batch_identity> identities_; // per batch of the plan, if given
  std::vector<size_t> entry_of_;           // per batch: its entry
  std::vector<batch_shape> shapes_;        // per entry
  mutable std::mutex mutex_;              // guards run_hash_: servers save from many threads
  mutable std::optional<std::string> run_hash_;
};

} // namespace lsgd
