// A join node's door for the direct links of a chain: an actor published on
// the address the node reaches the server from, over TLS when the run is, so
// that a node whose blocks neighbour this node's in the chain connects here
// once (actors/worker.cpp, connect_to) and their links bypass the server.
//
// Why not CAF's automatic connections: in CAF 0.17.6 they listen on every
// interface in plain TCP, so they bypass TLS, and both ends of a link
// connect at once, a race in which CAF can drop a node's proxies (see
// atom::link_down). Here one port on one address, and of two nodes only the
// one with the lower door connects.
#pragma once

#include "actors/worker.hpp"
#include "messages/protocol.hpp"
#include "runtime/config/config.hpp"

#include <caf/actor_system.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace lsgd {

/// Closes the door when it goes (the actor system waits for every actor).
struct node_door {
  link_address address; // what the server passes on in the routes
  caf::actor door;      // the published actor (it takes no message of ours)
  caf::actor connector; // the middleman that connects to the next node's door

  node_door() = default;
  node_door(node_door&&) = default;
  node_door& operator=(node_door&&) = default;
  ~node_door();
};

/// The address of this host's interface that sends toward host:port (the
/// route's source, found by connecting a UDP socket: no packet is sent);
/// nullopt with `why` set when the host does not resolve or has no route.
std::optional<std::string> local_address_toward(const std::string& host, uint16_t port,
                                                std::string& why);

/// Spawns the door and publishes it on `bind_host`, port chosen by the OS;
/// nullopt with `why` set when it cannot be published there.
std::optional<node_door> open_door(caf::actor_system& sys, const std::string& bind_host,
                                   const tls_config& tls, std::string& why);

/// A block of this node connects through the door's connector and joins
/// with its address; `d` null: no door, nothing changes.
void give_door(worker_spec& ws, const node_door* d);

} // namespace lsgd
