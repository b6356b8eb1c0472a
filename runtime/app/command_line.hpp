// The command line's edges: the version, an unknown subcommand, numeric
// options checked to short one-line errors.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

namespace lsgd {

/// "localsgd X.Y.Z", the project version CMake sets.
std::string version_line();

/// The CAF version this build runs on ("0.17.6"), for the provenance.
std::string caf_version();

/// The error line for argv[1] if it names no subcommand of `app` (nor is an
/// option): "unknown subcommand ...", listing them.
std::optional<std::string> unknown_subcommand(const CLI::App& app, int argc, char** argv);

/// A number of seconds: finite, above 0 and at most a week.
CLI::Validator seconds_option();

/// A count (N, workers): an integer in 1 .. 1000000.
CLI::Validator count_option();

/// A parse error as one bounded line on stderr; 0 for --help and --version.
int report_parse_error(const CLI::App& app, const CLI::ParseError& e);

} // namespace lsgd
