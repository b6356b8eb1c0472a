// F* of a data objective: computed once by Newton's method and cached in a
// small JSON file next to the data set, so that runs do not redo it.
#pragma once

#include "numerics/finite_sum.hpp"

#include <string>

namespace lsgd {

/// How F* was obtained, for the log and summary.json.
struct optimum_report {
  double value = 0;         // F* = F(x*)
  double gradient_norm = 0; // |grad F(x*)|, evaluated in this process
  int newton_iterations = 0;
  bool from_cache = false;
  std::string cache_file;
  std::string note; // why a cache entry was not used, if one was there
};

struct optimum {
  vector x; // x*
  optimum_report report;
};

/// A hex key for the cache: a 64-bit FNV-1a hash of the data file's bytes and
/// of `settings`, the text of every option that changes F.
std::string optimum_cache_key(const std::string& data_bytes, const std::string& settings);

/// x* and F* of f. An entry of `cache_file` under `key` is used only if its x*
/// checks out here: the right length, |grad F(x*)| <= 1e-10 and F(x*) equal
/// to the stored F* to 1e-12 relative; then F* = F(x*) as evaluated here.
/// Otherwise (no file, no entry, a corrupt file or a stale entry) x* comes
/// from newton_minimize from 0 and is written back to the cache. A cache
/// that cannot be written costs one warning line on stderr, nothing more.
/// Throws std::runtime_error if Newton's method fails.
optimum find_optimum(const finite_sum& f, const std::string& cache_file, const std::string& key,
                     const std::string& settings);

} // namespace lsgd
