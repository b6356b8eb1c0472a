// serve's and join's network settings: their checks, the CAF settings they
// become, who counts as local, and join's retry backoff.
#include "runtime/exec/network_settings.hpp"
#include "runtime/exec/reach.hpp"
#include "runtime/exec/system_config.hpp"

#include "runtime/config/config_error.hpp"

#include <doctest/doctest.h>

using namespace lsgd;
using std::chrono::milliseconds;

TEST_CASE("network_settings: the defaults pass, a timeout not above the heartbeat fails") {
  network_settings n;
  CHECK_NOTHROW(n.check());
  n.peer_timeout = n.heartbeat;
  CHECK_THROWS_WITH_AS(n.check(), doctest::Contains("--peer-timeout"), config_error);
  n = network_settings{};
  n.heartbeat = 0;
  CHECK_THROWS_WITH_AS(n.check(), doctest::Contains("--heartbeat"), config_error);
}

TEST_CASE("network_settings: the config's [network], flags given on top") {
  network_config c;
  c.heartbeat = 2;
  c.peer_timeout = 20;
  c.middleman_workers = 3;
  auto n = resolve(c, {});
  CHECK(n.heartbeat == 2);
  CHECK(n.peer_timeout == 20);
  CHECK(n.middleman_workers == 3);
  network_flags flags;
  flags.peer_timeout = 4;
  n = resolve(c, flags);
  CHECK(n.heartbeat == 2);
  CHECK(n.peer_timeout == 4);
  const auto plain = resolve(network_config{}, {});
  CHECK(plain.heartbeat == network_settings{}.heartbeat);
  CHECK(plain.peer_timeout == network_settings{}.peer_timeout);
}

TEST_CASE("network_settings: loopback addresses") {
  for (const auto* h : {"127.0.0.1", "127.1.2.3", "localhost", "::1"})
    CHECK_MESSAGE(is_loopback(h), h);
  for (const auto* h : {"0.0.0.0", "", "10.0.0.1", "128.0.0.1", "example.org", "::"})
    CHECK_MESSAGE(!is_loopback(h), h);
}

TEST_CASE("network_settings: a plain port beyond loopback needs TLS or --insecure") {
  CHECK_NOTHROW(check_exposure("127.0.0.1", false, false));
  CHECK_NOTHROW(check_exposure("0.0.0.0", true, false));
  CHECK_NOTHROW(check_exposure("0.0.0.0", false, true));
  CHECK_THROWS_WITH_AS(check_exposure("0.0.0.0", false, false),
                       doctest::Contains("configure [tls] or pass --insecure"), config_error);
  CHECK_THROWS_AS(check_exposure("", false, false), config_error); // every interface
}

TEST_CASE("reach: the backoff doubles from 0.1 s and stays at 2 s") {
  milliseconds p{0};
  std::vector<long> seen;
  for (int i = 0; i < 8; ++i)
    seen.push_back((p = next_backoff(p)).count());
  CHECK(seen == std::vector<long>{100, 200, 400, 800, 1600, 2000, 2000, 2000});
}

TEST_CASE("configure_system: serve and join get heartbeats, the peer timeout and deserializers") {
  network_settings n;
  n.heartbeat = 0.5;
  n.peer_timeout = 3;
  n.middleman_workers = 2;
  caf::actor_system_config cfg;
  configure_system(cfg, 0, n);
  using namespace std::chrono_literals;
  CHECK(caf::get_or(cfg, "middleman.heartbeat-interval", caf::timespan{0})
        == caf::timespan{500ms});
  CHECK(caf::get_or(cfg, "middleman.connection-timeout", caf::timespan{0})
        == caf::timespan{3s});
  CHECK(caf::get_or(cfg, "middleman.workers", size_t{0}) == 2);
  caf::actor_system_config local;
  configure_system(local, 0);
  CHECK(caf::get_or(local, "middleman.heartbeat-interval", caf::timespan{0})
        == caf::timespan{0});
}
