// summary.json's "provenance": which build made a result, where, when and how.
#pragma once

#include "runtime/plan/run_plan.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace lsgd {

/// What only the command line knows: its words, when it began, and the CAF
/// version (the store does not include CAF). run_cli notes them once.
struct command_facts {
  std::vector<std::string> command_line;
  std::string started;     // utc_now() as the command began
  std::string caf_version; // "0.17.6"
};
void note_command(command_facts facts);

/// Now in UTC, ISO 8601 to the second: "2026-12-02T07:36:28Z".
std::string utc_now();

/// {"localsgd", "git" (git describe --always --dirty at configure time; null
/// outside a checkout), "compiler", "caf", "eigen", "tomlplusplus", "host",
/// "started", "finished" (now), "threads", "command_line"}; what was never
/// noted is null.
nlohmann::json provenance_json(const run_plan& plan);

} // namespace lsgd
