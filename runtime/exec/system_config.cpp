#include "runtime/exec/system_config.hpp"

#include "actors/reports.hpp"
#include "actors/run_errc.hpp"
#include "messages/protocol.hpp"

#include <caf/io/middleman.hpp>

#include <chrono>

namespace lsgd {

namespace {

caf::timespan seconds(double s) {
  return std::chrono::duration_cast<caf::timespan>(std::chrono::duration<double>(s));
}

} // namespace

void configure_system(caf::actor_system_config& cfg, size_t threads) {
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
}

void configure_system(caf::actor_system_config& cfg, size_t threads,
                      const network_settings& net) {
  configure_system(cfg, threads);
  cfg.load<caf::io::middleman>();
  cfg.set("scheduler.policy", caf::atom("sharing"));
  // Off in CAF 0.17.6 by default. A connection that carries nothing, not even
  // a heartbeat, for peer_timeout is closed and its actors go down with
  // remote_link_unreachable; that includes one that never completes the
  // handshake.
  cfg.set("middleman.heartbeat-interval", seconds(net.heartbeat));
  cfg.set("middleman.connection-timeout", seconds(net.peer_timeout));
  cfg.set("middleman.workers", net.middleman_workers);
}

} // namespace lsgd
