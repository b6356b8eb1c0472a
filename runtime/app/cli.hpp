// The command line: localsgd run | check.
#pragma once

namespace lsgd {

/// Exit codes: 0 success, 1 a run failed, 2 bad usage or a bad config.
int run_cli(int argc, char** argv);

} // namespace lsgd
