// serve's and join's network settings: their checks, who counts as local,
// and join's retry backoff.
#include "runtime/exec/network_settings.hpp"
#include "runtime/exec/reach.hpp"

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
