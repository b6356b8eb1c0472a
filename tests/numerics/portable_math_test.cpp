// numerics/portable_math: within a few ulp of long double libm, and NaN,
// infinities and the ends of the range handled as documented.
#include "numerics/portable_math.hpp"

#include "tests/numerics/ulps.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace lsgd;
using lsgd::test::ulps;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

} // namespace

TEST_CASE("portable exp, log and cos: within 2 ulp of long double libm over their ranges") {
  double worst_exp = 0, worst_log = 0, worst_cos = 0;
  for (int i = 0; i <= 200000; ++i) {
    const double x = -700.0 + 1400.0 * i / 200000; // e^x normal on both sides
    worst_exp = std::max(worst_exp, ulps(portable_exp(x), std::exp(static_cast<long double>(x))));
    const double y = std::ldexp(1.0 + i / 200000.0, i % 2000 - 1000); // mantissas and exponents
    worst_log = std::max(worst_log, ulps(portable_log(y), std::log(static_cast<long double>(y))));
    const double u = i / 200001.0;
    const long double c = std::cos(2 * 3.141592653589793238462643383279502884L * u);
    // Near a zero of cos its ulps measure the rounding of x = (4u - q) pi/2, not the
    // polynomial's error.
    if (std::abs(c) > 0.1)
      worst_cos = std::max(worst_cos, ulps(portable_cos_2pi(u), c));
  }
  CHECK(worst_exp <= 2.0);
  CHECK(worst_log <= 1.0);
  CHECK(worst_cos <= 2.0);
}

TEST_CASE("portable exp and log: NaN, infinities and the ends of the range") {
  CHECK(std::isnan(portable_exp(not_a_number)));
  CHECK(std::isnan(portable_exp_nonpositive(not_a_number)));
  CHECK(std::isnan(portable_log(not_a_number)));
  CHECK(portable_exp(-inf) == 0.0);
  CHECK(portable_exp(-800.0) == 0.0);
  CHECK(portable_exp(inf) == inf);
  CHECK(portable_exp(710.0) == inf);
  CHECK(portable_exp(0.0) == 1.0);
  CHECK(portable_log(1.0) == 0.0);
  CHECK(portable_cos_2pi(0.0) == 1.0);
  CHECK(portable_cos_2pi(0.5) == -1.0);
}
