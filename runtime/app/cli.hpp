// The command line: localsgd run | check | keys | serve | join | plot.
#pragma once

namespace lsgd {

/// Runs the command line. Registers the built-in components first; a
/// program with components of its own registers them before calling it.
/// Exit codes: 0 success, 1 a run failed, 2 bad usage or a bad config.
int run_cli(int argc, char** argv);

} // namespace lsgd
