// The bytes of checkpoint files: each sealed by a SHA-256 of its content and
// tied to the run it belongs to, checked in full before anything is used.
//
// run.json: JSON {"format", "run": {config, file, path, overrides, method, N},
//   "sha256": hex SHA-256 of the "run" object as dumped}; that hash is the
//   run's identity.
// batch-<i>.ckpt: CBOR {"format", "run": the run's identity, "batch", the
//   server_checkpoint}, followed by the 32-byte SHA-256 of the CBOR bytes.
#pragma once

#include "actors/run_data.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

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

/// What the plan expects of a batch's records, beyond its identity.
struct batch_shape {
  uint64_t trajectory_length = 0; // record_plan::steps().size()
  std::vector<uint64_t> times;    // tau_0 .. tau_R of the entry's schedule
};

/// A checkpoint file could not be used; what() names the file and why.
class checkpoint_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

namespace checkpoint_file {

/// A run.json as read back: the run, its config's absolute path, its identity.
struct stored_run {
  run_description run;
  std::string path;
  std::string hash;
};

/// run.json's text for `run`, whose config is at `absolute_path`.
std::string encode_run(const run_description& run, const std::string& absolute_path);

/// Throws std::invalid_argument saying why `text` is not an intact run.json.
stored_run decode_run(const std::string& text);

/// A batch file's bytes.
std::string encode_batch(const std::string& run_hash, const batch_identity& id,
                         const server_checkpoint& c);

/// The checkpoint in `bytes`, after checking its seal, that it belongs to
/// `run_hash` and `id`, and that every size and count fits `id` and, if
/// given, `shape`. Throws std::invalid_argument saying why not.
server_checkpoint decode_batch(const std::string& bytes, const std::string& run_hash,
                               const batch_identity& id, const batch_shape* shape);

} // namespace checkpoint_file

} // namespace lsgd
