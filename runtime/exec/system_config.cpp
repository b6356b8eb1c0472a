#include "runtime/exec/system_config.hpp"

#include "messages/protocol.hpp"

#include <caf/io/middleman.hpp>

namespace lsgd {

void configure_system(caf::actor_system_config& cfg, size_t threads, bool network) {
  cfg.add_message_types<caf::id_block::lsgd>();
  if (threads > 0)
    cfg.set("scheduler.max-threads", threads);
  cfg.set("logger.verbosity", caf::atom("quiet"));
  cfg.set("logger.console", caf::atom("none"));
  if (network) {
    cfg.load<caf::io::middleman>();
    cfg.set("scheduler.policy", caf::atom("sharing"));
  }
}

} // namespace lsgd
