// Distance in units of the last place, for the accuracy tests of our own math.
#pragma once

#include <cmath>
#include <limits>

namespace lsgd::test {

// |a - b| in units of the last place of b (rounded to double).
inline double ulps(double a, long double b) {
  const double bd = static_cast<double>(b);
  const double ulp = std::nextafter(std::abs(bd), std::numeric_limits<double>::infinity())
                     - std::abs(bd);
  return static_cast<double>(std::abs(static_cast<long double>(a) - b) / ulp);
}

} // namespace lsgd::test
