// Names of the run error codes (see run_errc.hpp).
#include "actors/run_errc.hpp"

namespace lsgd {

std::string to_string(run_errc x) {
  switch (x) {
    case run_errc::worker_lost:
      return "worker_lost";
    case run_errc::schedule_inconsistent:
      return "schedule_inconsistent";
    case run_errc::no_workers:
      return "no_workers";
    case run_errc::missing_trace:
      return "missing_trace";
    case run_errc::checkpoint_failed:
      return "checkpoint_failed";
    case run_errc::join_timeout:
      return "join_timeout";
    case run_errc::bad_checkpoint:
      return "bad_checkpoint";
    case run_errc::incomplete:
      return "incomplete";
  }
  return "unknown";
}

std::optional<run_errc> run_errc_of(const caf::error& e) {
  if (!e || e.category() != run_errc_category)
    return std::nullopt;
  return static_cast<run_errc>(e.code());
}

} // namespace lsgd
