#include "runtime/exec/network_settings.hpp"

#include "runtime/config/config_error.hpp"

#include <arpa/inet.h>

namespace lsgd {

void network_settings::check() const {
  if (!(heartbeat > 0))
    throw config_error("--heartbeat must be a positive number of seconds");
  if (!(peer_timeout > heartbeat))
    throw config_error("the peer timeout (--peer-timeout, network.peer_timeout: "
                       + std::to_string(peer_timeout) + " s) must be longer than the heartbeat ("
                       + std::to_string(heartbeat) + " s)");
  if (middleman_workers < 1)
    throw config_error("middleman workers must be at least 1");
}

network_settings resolve(const network_config& config, const network_flags& flags) {
  network_settings n;
  n.heartbeat = flags.heartbeat.value_or(config.heartbeat);
  n.peer_timeout = flags.peer_timeout.value_or(config.peer_timeout);
  n.middleman_workers = static_cast<size_t>(config.middleman_workers);
  return n;
}

bool is_loopback(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]")
    return true;
  in_addr a{};
  return inet_pton(AF_INET, host.c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

void check_exposure(const std::string& host, bool tls, bool insecure) {
  if (tls || insecure || is_loopback(host))
    return;
  throw config_error("--listen " + (host.empty() ? std::string("(every interface)") : host)
                     + " is reachable from other machines and TLS is off: anyone who "
                       "reaches the port can make this process allocate 4 GB per "
                       "connection; configure [tls] or pass --insecure");
}

} // namespace lsgd
