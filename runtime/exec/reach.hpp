// How join reaches a serve: each attempt bounded by a timeout, refused
// connections retried with a bounded backoff for as long as the user allows.
#pragma once

#include "messages/protocol.hpp"
#include "runtime/config/config.hpp"

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
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

/// The same for the server named in an address file (address_file.hpp): waits
/// for the file to hold an address, and while the connection is refused (a
/// stale file of a server that is gone) reads it again, for a new serve may
/// rewrite it; all within `retry_for` seconds. Sets `address` to the last
/// address tried; nullopt if the file never held one, with `why` saying why.
std::optional<caf::expected<server_actor>>
reach_server_named_in(caf::actor_system& sys, const std::string& path, const tls_config& tls,
                      double connect_timeout, double retry_for, std::string& address,
                      std::string& why);

} // namespace lsgd
