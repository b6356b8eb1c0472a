#include "runtime/exec/tls.hpp"

#include <doctest/doctest.h>

using namespace lsgd;

TEST_CASE("join's TLS flags: all three or none") {
  CHECK(!tls::from_flags("", "", "").enabled);
  const auto t = tls::from_flags("w.pem", "w.key", "ca.pem");
  CHECK(t.enabled);
  CHECK(t.certificate.path == "w.pem");
  CHECK(t.ca.where == "--tls-ca");
  CHECK_THROWS_WITH_AS(tls::from_flags("w.pem", "w.key", ""),
                       doctest::Contains("--tls-ca: missing"), config_error);
  CHECK_THROWS_WITH_AS(tls::from_flags("", "", "ca.pem"),
                       doctest::Contains("--tls-certificate: missing"), config_error);
}

TEST_CASE("TLS checks name the setting, off checks nothing") {
  CHECK_NOTHROW(tls::check(tls_config{}, tls::role::worker));
  const auto t = tls::from_flags("/nonexistent/w.pem", "w.key", "ca.pem");
  CHECK_THROWS_WITH_AS(tls::check(t, tls::role::worker),
                       "--tls-certificate: /nonexistent/w.pem cannot be read", config_error);
}
