#include "runtime/exec/system_config.hpp"

#include "actors/reports.hpp"
#include "actors/run_errc.hpp"
#include "messages/protocol.hpp"

#include <caf/io/middleman.hpp>

namespace lsgd {

void configure_system(caf::actor_system_config& cfg, size_t threads, bool network) {
  cfg.add_message_types<caf::id_block::lsgd>();
  cfg.add_message_types<caf::id_block::lsgd_local>();
  // Our errors render as their sentence, else as the code's name.
  cfg.add_error_category(run_errc_category,
                         [](uint8_t code, caf::atom_value, const caf::message& context) {
                           if (context.match_elements<std::string>())
                             return context.get_as<std::string>(0);
                           return to_string(static_cast<run_errc>(code));
                         });
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
