// TLS between the nodes of a served run, through CAF's OpenSSL module: the
// certificate checks made before any network activity, and publish / connect
// through the TLS or the plain middleman.
//
// What CAF 0.17.6's module enforces once a certificate, key and CA are set
// (libcaf_openssl/src/session.cpp): both ends verify the peer with
// SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT against the CA file, so a
// node without a certificate signed by the CA cannot connect either way. It
// does not match host names: any certificate the CA signed is accepted on
// either side. Without any openssl.* setting it would fall back to anonymous
// ECDH without verification; tls_config never lets that happen.
#pragma once

#include "messages/protocol.hpp"
#include "runtime/config/config.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>
#include <caf/timespan.hpp>

#include <cstdint>
#include <string>

namespace lsgd::tls {

/// Which end of a connection a node's certificate is checked for.
enum class role { server, worker };

/// The settings of `join`'s --tls-certificate, --tls-key and --tls-ca: all
/// three or none (TLS off). Throws config_error naming the missing flag.
tls_config from_flags(const std::string& certificate, const std::string& key,
                      const std::string& ca);

/// With TLS on, checks what CAF would only find out on the first connection,
/// if at all: each file is PEM, the key is unencrypted and belongs to the
/// certificate, and the certificate verifies against the CA (signature, dates,
/// purpose for `r`). Throws config_error naming the setting.
void check(const tls_config& t, role r);

/// With TLS on, why the certificate does not verify for role `r` (as check
/// says it); "" if it does or TLS is off. A worker's certificate serves too
/// when its node takes direct links (node_door.hpp).
std::string unfit_for(const tls_config& t, role r);

/// With TLS on, loads caf::openssl::manager (after configure_system, which
/// loads the middleman) and hands it the files.
void configure(caf::actor_system_config& cfg, const tls_config& t);

/// Publishes the server on host:port, over TLS when `t` is on.
caf::expected<uint16_t> publish(const server_actor& srv, uint16_t port,
                                const std::string& host, const tls_config& t);

/// Publishes any actor on host:port (0: a port the OS picks), over TLS when
/// `t` is on.
caf::expected<uint16_t> publish(const caf::actor& a, uint16_t port, const std::string& host,
                                const tls_config& t);

/// The middleman actor that connects to other nodes, over TLS when `t` is on
/// (it takes connect_atom, host, port).
caf::actor connector(caf::actor_system& sys, const tls_config& t);

/// Connects to the server at host:port, over TLS when `t` is on; fails with
/// sec::request_timeout when the connection and CAF's handshake take longer
/// than `timeout`.
caf::expected<server_actor> connect(caf::actor_system& sys, const std::string& host,
                                    uint16_t port, const tls_config& t, caf::timespan timeout);

/// What to check after `connect` failed with `e`, when TLS may be why; "" if
/// it is not.
std::string connect_hint(const caf::error& e, const tls_config& t);

} // namespace lsgd::tls
