// What one message between processes may carry: CAF 0.17's BASP frames every
// message with a 32-bit payload length, so a model message of K ids x reps x d
// doubles (4 GB at d = 1e6 and 500 columns) must be cut before it gets there.
#pragma once

#include "runtime/plan/run_plan.hpp"

#include <cstdint>

namespace lsgd {

/// The most bytes of model one message between processes carries: BASP's
/// 4 GiB less room for the message's other fields. The environment variable
/// LSGD_MESSAGE_LIMIT (bytes) lowers it, for tests.
uint64_t message_limit();

/// The bytes one worker id adds to a block's model message: reps x d doubles.
uint64_t id_bytes(const run_plan& plan, uint32_t reps);

/// How many of a node's `ids` one worker actor hosts: one actor per thread,
/// or more actors when that would put a model message over message_limit()
/// (at least 1 id each; serve refused runs where one id is too much).
uint32_t ids_per_actor(uint32_t ids, uint32_t threads, uint64_t bytes_per_id);

/// One line on stderr when ids_per_actor() gave more actors than threads.
void say_if_split(uint32_t ids, uint32_t per_actor, uint32_t threads);

/// Refuses (config_error) a plan whose batch average, which goes to the nodes
/// in one message, is over message_limit().
void check_message_sizes(const run_plan& plan);

} // namespace lsgd
