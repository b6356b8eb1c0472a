#include "runtime/exec/node_door.hpp"

#include "runtime/exec/tls.hpp"

#include <caf/io/middleman.hpp>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace lsgd {

std::optional<std::string> local_address_toward(const std::string& host, uint16_t port,
                                                std::string& why) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  const auto service = std::to_string(port);
  if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found)) {
    why = host + " does not resolve (" + gai_strerror(rc) + ")";
    return std::nullopt;
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, &freeaddrinfo);
  why = "no route to " + host;
  for (auto* a = found; a; a = a->ai_next) {
    const int s = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (s < 0)
      continue;
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    const bool routed = connect(s, a->ai_addr, a->ai_addrlen) == 0
                        && getsockname(s, reinterpret_cast<sockaddr*>(&local), &length) == 0;
    if (!routed)
      why = "no route to " + host + " (" + std::strerror(errno) + ")";
    close(s);
    if (!routed)
      continue;
    char text[INET6_ADDRSTRLEN] = {};
    const void* bytes = local.ss_family == AF_INET6
                          ? static_cast<const void*>(
                            &reinterpret_cast<const sockaddr_in6*>(&local)->sin6_addr)
                          : &reinterpret_cast<const sockaddr_in*>(&local)->sin_addr;
    if (inet_ntop(local.ss_family, bytes, text, sizeof text))
      return std::string(text);
  }
  return std::nullopt;
}

namespace {

// Published only so that CAF has an actor to hand out at the port: what
// matters is the connection to the node. Anything sent to it is dropped.
caf::behavior door_actor() {
  return {[](caf::ok_atom) {}};
}

} // namespace

std::optional<node_door> open_door(caf::actor_system& sys, const std::string& bind_host,
                                   const tls_config& tls, std::string& why) {
  node_door d;
  d.door = sys.spawn(door_actor);
  auto port = tls::publish(d.door, 0, bind_host, tls);
  if (!port) {
    why = "cannot listen on " + bind_host + " (" + sys.render(port.error()) + ")";
    caf::anon_send_exit(d.door, caf::exit_reason::user_shutdown);
    return std::nullopt;
  }
  d.address = {bind_host, *port};
  d.connector = tls::connector(sys, tls);
  return d;
}

node_door::~node_door() {
  if (door)
    caf::anon_send_exit(door, caf::exit_reason::user_shutdown);
}

void give_door(worker_spec& ws, const node_door* d) {
  if (!d)
    return;
  ws.door = d->address;
  ws.connector = d->connector;
}

} // namespace lsgd
