#include "numerics/step_size.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace lsgd;

TEST_CASE("step sizes") {
  const auto q = step_size::inverse_time(3, 1, 1); // experiment Q: 3/(t + 1)
  CHECK(q(0) == doctest::Approx(3.0));
  CHECK(q(2) == doctest::Approx(1.0));
  CHECK(step_size::inverse_time(3, 2, 4)(1) == doctest::Approx(3.0 / (2 * 5)));
  const auto s = step_size::harmonic(2, 0.5); // experiments S, L: min(2/(t + 1), 1/2)
  CHECK(s(0) == 0.5);
  CHECK(s(3) == 0.5);
  CHECK(s(4) == doctest::Approx(0.4));
  CHECK(s(999) == doctest::Approx(0.002));
  CHECK(step_size::constant(0.1)(12345) == 0.1);
  CHECK_THROWS_AS(step_size::inverse_time(0, 1, 1), std::invalid_argument);
  CHECK_THROWS_AS(step_size::harmonic(1, -1), std::invalid_argument);
  CHECK_THROWS_AS(step_size::constant(0), std::invalid_argument);
}
