// Messages that stay inside one process: a server's records to whoever
// launched it, and the launcher's progress and result to whoever waits.
//
//   launcher / serve            server
//       |  <----- batch_report     |  at the end of its batch, complete or not,
//       |                          |  then it quits (with an error if it failed)
//   execute                     launcher
//       |  <--- progress(done)     |  after every finished batch
//       |  <--- execution_result   |  once every batch finished; then it quits
#pragma once

#include "actors/run_data.hpp"
#include "messages/protocol.hpp"

#include <caf/all.hpp>

#include <vector>

namespace lsgd {

/// The records of a server's batch, one per repetition: complete, or the
/// rounds completed before the batch failed (empty before the run started).
struct batch_report {
  std::vector<run_record> records;
};

// A record's shared rounds go by value: a loaded record gets its own copy.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, run_record& x) {
  batch_rounds rounds = x.rounds ? *x.rounds : batch_rounds{};
  auto loaded = caf::meta::load_callback([&]() -> caf::error {
    x.rounds = std::make_shared<const batch_rounds>(std::move(rounds));
    return caf::none;
  });
  return f(caf::meta::type_name("lsgd.run_record"), x.trajectory, rounds.steps,
           x.round_errors, rounds.workers, x.messages, x.bytes, x.wall_seconds, x.complete,
           loaded);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_report& x) {
  return f(caf::meta::type_name("lsgd.batch_report"), x.records);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, execution_result& x) {
  return f(caf::meta::type_name("lsgd.execution_result"), x.records, x.wall_seconds);
}

} // namespace lsgd

CAF_BEGIN_TYPE_ID_BLOCK(lsgd_local, caf::id_block::lsgd::end)
  CAF_ADD_TYPE_ID(lsgd_local, (lsgd::batch_report))
  CAF_ADD_TYPE_ID(lsgd_local, (lsgd::execution_result))

  // progress(done): runs finished so far.
  CAF_ADD_ATOM(lsgd_local, lsgd::atom, progress, "progress")
CAF_END_TYPE_ID_BLOCK(lsgd_local)
