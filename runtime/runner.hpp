// Runs a plan on an in-process CAF actor system: every run is a schedule, a
// server and its worker blocks; runs execute concurrently on the threads.
#pragma once

#include "actors/server.hpp"
#include "runtime/run_plan.hpp"

#include <stdexcept>
#include <vector>

namespace lsgd {

/// A run failed (an actor quit with an error); what() says which and why.
class run_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct execution_result {
  std::vector<run_record> records; // one per run, at plan.run_index(entry, rep)
  double wall_seconds = 0;
};

/// Executes every run of `plan`; `progress` prints a progress line to stderr.
execution_result execute(const run_plan& plan, bool progress);

} // namespace lsgd
