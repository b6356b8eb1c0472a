#include "actors/schedule.hpp"

namespace lsgd {

schedule_actor::behavior_type
schedule(schedule_actor::stateful_pointer<schedule_state> self, comm_times times) {
  self->state.times = std::move(times);
  return {
    [self](atom::next, uint32_t completed) -> caf::result<epoch> {
      const auto& times = self->state.times;
      const auto rounds = static_cast<uint32_t>(schedules::rounds(times));
      if (completed >= rounds)
        return caf::make_error(caf::sec::invalid_argument,
                               "schedule: no epoch after round " + std::to_string(completed)
                                 + " of " + std::to_string(rounds));
      return epoch{completed + 1, rounds, times[completed], times[completed + 1]};
    },
  };
}

} // namespace lsgd
