// The CAF actor-system settings every localsgd process uses.
#pragma once

#include <caf/actor_system_config.hpp>

namespace lsgd {

/// Registers the protocol's message types, silences CAF's logger and sets the
/// worker threads (0: CAF's default, every core). With `network`, loads the
/// middleman and picks work sharing, whose wake-ups beat work stealing's
/// polling sleeps on round latency across processes.
void configure_system(caf::actor_system_config& cfg, size_t threads, bool network);

} // namespace lsgd
