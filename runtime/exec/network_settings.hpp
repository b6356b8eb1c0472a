// How serve and join watch their network peers: CAF's BASP heartbeats, the
// silence after which a peer counts as lost, how long join waits for a
// server, and who may reach an open port.
#pragma once

#include <cstddef>
#include <string>

namespace lsgd {

/// The defaults, declared once (flags and config keys refer to these).
namespace network_defaults {
constexpr double heartbeat_seconds = 1;     // BASP heartbeat interval
constexpr double peer_timeout_seconds = 15; // silence after which a peer is lost
constexpr double connect_timeout_seconds = 30; // join: TCP connect plus CAF handshake
constexpr double retry_for_seconds = 0;     // join: keep retrying a refused connect
// CAF's deserialization threads (its own default: min(3, cores / 4) + 1).
// Measured with bench_round (real server and worker actors, 30 rounds, on 2
// shared cores): 2 threads were no faster at d = 1e5 and 6-14 % slower at
// d = 1e6, N = 2 and 4, than 1. Measure again on nodes with many cores.
constexpr size_t middleman_workers = 1;
} // namespace network_defaults

/// The network settings of one serve or join process (CAF 0.17.6 leaves
/// heartbeats and connection timeouts off: a frozen peer would stay
/// connected forever).
struct network_settings {
  double heartbeat = network_defaults::heartbeat_seconds;
  double peer_timeout = network_defaults::peer_timeout_seconds;
  size_t middleman_workers = network_defaults::middleman_workers;

  /// Throws config_error naming the flag: both positive, and the timeout
  /// longer than the heartbeat (else a healthy peer would be dropped).
  void check() const;
};

/// True for addresses only this machine can reach: 127.0.0.0/8, ::1, localhost.
bool is_loopback(const std::string& host);

/// Throws config_error unless `host` is loopback, TLS is on or the user said
/// --insecure: without TLS anyone who reaches the port can make the process
/// allocate 4 GB per connection (CAF 0.17 trusts a BASP header's length).
void check_exposure(const std::string& host, bool tls, bool insecure);

} // namespace lsgd
