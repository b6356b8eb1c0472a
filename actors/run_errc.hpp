// Why a run's actors failed, as a CAF error category: callers branch on the
// code, and the error's context keeps the sentence for the user.
#pragma once

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace lsgd {

enum class run_errc : uint8_t {
  worker_lost = 1,       // under the abort policy: a block went down, sent garbage or was late
  schedule_inconsistent, // the schedule sent an epoch that does not follow
  no_workers,            // every worker of a round was lost, or none was left
  missing_trace,         // a round ended without the trace of a worker
  checkpoint_failed,     // writing a checkpoint threw
  join_timeout,          // not all N workers joined in time
  bad_checkpoint,        // a stored checkpoint cannot be used
  incomplete,            // an actor ended without its complete records (CAF's reason)
};

/// The category's name in caf::error (and in CAF's rendering).
constexpr caf::atom_value run_errc_category = caf::atom("lsgd");

std::string to_string(run_errc x);

/// The code of `e` if it is one of ours.
std::optional<run_errc> run_errc_of(const caf::error& e);

} // namespace lsgd

// caf::make_error(run_errc, "text") and caf::error(run_errc, "text").
namespace caf::detail {
template <>
struct error_factory<lsgd::run_errc> {
  static constexpr bool specialized = true;
  static constexpr atom_value category = lsgd::run_errc_category;
  template <class... Ts>
  static message context(Ts&&... xs) {
    return make_message(std::forward<Ts>(xs)...);
  }
};
} // namespace caf::detail
