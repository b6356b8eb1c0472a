// How serve and join watch their network peers: CAF's BASP heartbeats, the
// silence after which a peer counts as lost, how long join waits for a
// server, and who may reach an open port.
#pragma once

#include "runtime/config/config.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace lsgd {

/// join's own defaults (heartbeats and the peer timeout are [network]'s,
/// network_config in runtime/config/config.hpp).
namespace network_defaults {
constexpr double connect_timeout_seconds = 30; // join: TCP connect plus CAF handshake
constexpr double retry_for_seconds = 0;     // join: keep retrying a refused connect
} // namespace network_defaults

/// The network settings of one serve or join process (CAF 0.17.6 leaves
/// heartbeats and connection timeouts off: a frozen peer would stay
/// connected forever).
struct network_settings {
  double heartbeat = network_config{}.heartbeat;
  double peer_timeout = network_config{}.peer_timeout;
  size_t middleman_workers = static_cast<size_t>(network_config{}.middleman_workers);

  /// Throws config_error naming the flag: both positive, and the timeout
  /// longer than the heartbeat (else a healthy peer would be dropped).
  void check() const;
};

/// --heartbeat and --peer-timeout, where given.
struct network_flags {
  std::optional<double> heartbeat;
  std::optional<double> peer_timeout;
};

/// The config's [network] with the flags given on top.
network_settings resolve(const network_config& config, const network_flags& flags);

/// True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost.
bool is_loopback(const std::string& host);

/// Throws config_error unless `host` is loopback, TLS is on or the user said
/// --insecure: without TLS anyone who reaches the port can make the process
/// allocate 4 GB per connection (CAF 0.17 trusts a BASP header's length).
void check_exposure(const std::string& host, bool tls, bool insecure);

} // namespace lsgd
