// A progress line on stderr: done/total, rate and ETA.
#pragma once

#include <chrono>
#include <cstddef>

namespace lsgd {

class progress_line {
public:
  /// Draws nothing unless `enabled` (the caller checks for a terminal).
  progress_line(size_t total, bool enabled);

  void update(size_t done);

  /// Clears the line.
  void finish(size_t done);

private:
  size_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_;
};

} // namespace lsgd
