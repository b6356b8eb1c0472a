// The exit codes of every localsgd command (run, check, serve, join, plot).
#pragma once

namespace lsgd::exit_code {

constexpr int done = 0;        // the run completed (join: the server completed it)
constexpr int run_failed = 1;  // the run started or was set up, and failed; or, with
                               // --fail-on-divergence, a repetition diverged
constexpr int bad_input = 2;   // a bad flag, config or file: nothing was started
constexpr int unreachable = 3; // join: no server reached in time, or it refused this node

/// The --help text that documents them.
constexpr const char* help
  = "Exit codes: 0 done, 1 the run failed (or diverged, with --fail-on-divergence), "
    "2 bad input (nothing started), "
    "3 join: the server could not be reached or refused this node.";

} // namespace lsgd::exit_code
