// The results folder, made ready before any work: writable, and never a mix
// of an earlier run's results with this run's.
#pragma once

#include <stdexcept>
#include <string>

namespace lsgd {

/// The folder cannot take this run's results; what() is one line.
class output_folder_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// What a run leaves in its folder (and `overwrite` replaces).
inline const char* const result_files[] = {"summary.json", "trajectory.csv", "rounds.csv",
                                           "runs.csv", "checkpoint"};

/// Makes `dir` ready for a new run (not a resume): refuses a folder that
/// holds any result file unless `overwrite`, which removes them; creates the
/// folder and checks that a file can be created in it. Throws
/// output_folder_error.
void prepare_output_folder(const std::string& dir, bool overwrite);

/// For a resume: `dir` exists and a file can be created in it.
void check_output_folder(const std::string& dir);

} // namespace lsgd
