// The CAF actor-system settings every localsgd process uses.
#pragma once

#include "runtime/exec/network_settings.hpp"

#include <caf/actor_system_config.hpp>

namespace lsgd {

/// Registers the protocol's message types, silences CAF's logger and sets the
/// worker threads (0: CAF's default, every core): a process without network.
void configure_system(caf::actor_system_config& cfg, size_t threads);

/// The same for serve and join: also loads the middleman, turns on BASP
/// heartbeats and the peer timeout of `net`, sets its deserialization threads
/// and picks work sharing, whose wake-ups beat work stealing's polling sleeps
/// on round latency across processes. CAF's automatic connections stay off
/// (its default): a chain's direct links go through node doors
/// (node_door.hpp).
void configure_system(caf::actor_system_config& cfg, size_t threads,
                      const network_settings& net);

} // namespace lsgd
