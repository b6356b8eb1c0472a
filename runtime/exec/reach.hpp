// How join reaches a serve: each attempt bounded by a timeout, refused
// connections retried with a bounded backoff for as long as the user allows.
#pragma once

#include "messages/protocol.hpp"
#include "runtime/config/config.hpp"

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace lsgd {

/// The pause after a refused attempt that paused `previous` (0 for the
/// first): doubling from 0.1 s up to 2 s.
std::chrono::milliseconds next_backoff(std::chrono::milliseconds previous);

/// Connects to the server at host:port (tls::connect), each attempt limited to
/// `connect_timeout` seconds. A refused connection (no server listening yet)
/// is tried again until `retry_for` seconds have passed; any other failure
/// (a silent peer, a TLS refusal) is returned at once.
caf::expected<server_actor> reach_server(caf::actor_system& sys, const std::string& host,
                                         uint16_t port, const tls_config& tls,
                                         double connect_timeout, double retry_for);

} // namespace lsgd
