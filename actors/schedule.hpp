// The schedule actor: emits the epochs of a communication schedule.
#pragma once

#include "messages/protocol.hpp"
#include "numerics/schedule.hpp"

namespace lsgd {

struct schedule_state {
  static inline const char* name = "lsgd.schedule";
  comm_times times; // 0 = tau_0 < ... < tau_R = T
};

/// Answers next(r), sent when round r is complete, with epoch r + 1: the steps
/// tau_r .. tau_{r+1}. Asking past round R is an error.
schedule_actor::behavior_type
schedule(schedule_actor::stateful_pointer<schedule_state> self, comm_times times);

} // namespace lsgd
