#include "numerics/dataset.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lsgd {

void standardize(dataset& data) {
  const auto n = static_cast<double>(data.samples());
  if (data.samples() == 0)
    return;
  for (Eigen::Index k = 0; k < data.features.rows(); ++k) {
    auto row = data.features.row(k);
    const double mean = row.sum() / n;
    row.array() -= mean;
    const double sd = std::sqrt(row.squaredNorm() / n);
    // A constant row leaves only rounding noise after centring.
    if (sd > 1e-12 * std::max(1.0, std::abs(mean)))
      row /= sd;
    else
      row.setZero();
  }
}

void append_intercept(dataset& data) {
  data.features.conservativeResize(data.features.rows() + 1, Eigen::NoChange);
  data.features.row(data.features.rows() - 1).setOnes();
}

sample_range shard(uint64_t n, uint32_t w, uint32_t N) {
  if (N == 0 || w >= N)
    throw std::invalid_argument("shard: worker " + std::to_string(w) + " of "
                                + std::to_string(N));
  // n < 2^40 rows and N < 2^24 keep w n exact in 64 bits.
  const uint64_t first = n * w / N;
  const uint64_t last = n * (uint64_t{w} + 1) / N;
  return {first, last - first};
}

} // namespace lsgd
