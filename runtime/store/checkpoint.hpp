// Checkpoints on disk: what a run needs to continue after its process died.
//
// <results folder>/checkpoint/ holds run.json (what ran: the config text and
// overrides, and for `serve` the method and N) and one batch-<i>.ckpt per
// batch of repetitions, replaced atomically after rounds. A batch file of a
// finished batch holds its complete records, so a resumed run skips it.
#pragma once

#include "actors/run_data.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lsgd {

/// Which batch a checkpoint belongs to; a file that names another batch
/// (a changed config or runtime layout) is refused, never used.
struct batch_identity {
  std::string method;
  uint32_t N = 0;
  uint32_t first_rep = 0;
  uint32_t reps = 0;
  uint64_t model_size = 0;

  bool operator==(const batch_identity& o) const {
    return method == o.method && N == o.N && first_rep == o.first_rep && reps == o.reps
           && model_size == o.model_size;
  }
  std::string describe() const;
};

/// A checkpoint file could not be used; what() names the file and why.
class checkpoint_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class checkpoint_store {
public:
  /// Checkpoints of the run whose results go to `results_dir`.
  explicit checkpoint_store(std::string results_dir);

  /// Starts afresh: removes old batch files, writes run.json.
  void begin(const run_description& run) const;

  /// The run.json of an interrupted run; throws checkpoint_error if there is none.
  run_description description() const;

  /// The config file of that run as an absolute path: relative paths in the
  /// config (data, TLS files) resolve against its folder, so a resumed run
  /// finds them from any working directory.
  std::string config_path() const;

  /// Writes batch `index`'s checkpoint atomically; safe to call from several
  /// threads for different batches. Throws std::runtime_error.
  void save(size_t index, const batch_identity& id, const server_checkpoint& c) const;

  /// Batch `index`'s checkpoint, if one was written; throws checkpoint_error
  /// if it is unreadable or belongs to another batch.
  std::optional<server_checkpoint> load(size_t index, const batch_identity& id) const;

  /// Removes the folder once the results are written.
  void remove() const;

  const std::string& folder() const {
    return dir_;
  }

private:
  std::string file(size_t index) const;
  std::string dir_;
};

} // namespace lsgd
