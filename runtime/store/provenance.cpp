#include "runtime/store/provenance.hpp"

#include <Eigen/Core>

#include <ctime>
#include <unistd.h>

namespace lsgd {

namespace {

command_facts& noted() {
  static command_facts facts;
  return facts;
}

nlohmann::json text_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

// GCC's __VERSION__ is the bare number; clang's names itself.
#ifdef __clang__
constexpr const char* compiler = __VERSION__;
#else
constexpr const char* compiler = "GCC " __VERSION__;
#endif

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0)
    return {};
  return buf;
}

} // namespace

void note_command(command_facts facts) {
  noted() = std::move(facts);
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

nlohmann::json provenance_json(const run_plan& plan) {
  const auto& facts = noted();
  return {{"localsgd", LSGD_VERSION},
          {"git", text_or_null(LSGD_GIT_COMMIT)},
          {"compiler", compiler},
          {"caf", text_or_null(facts.caf_version)},
          {"eigen", std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION)
                      + "." + std::to_string(EIGEN_MINOR_VERSION)},
          {"tomlplusplus", toml_library_version()},
          {"host", text_or_null(host_name())},
          {"started", text_or_null(facts.started)},
          {"finished", utc_now()},
          {"threads", plan.threads},
          {"command_line", facts.command_line.empty() ? nlohmann::json(nullptr)
                                                      : nlohmann::json(facts.command_line)}};
}

} // namespace lsgd
