// A data set in memory, the preprocessing that defines F on it, and its
// split among workers.
#pragma once

#include "numerics/objective.hpp"

#include <cstdint>

namespace lsgd {

/// n samples of p features. The samples are the columns of `features`, so
/// the one a stochastic gradient draws is contiguous. Stored dense: the data
/// sets this is for (up to some 10^4 x 10^3) fit in memory, and Newton's
/// method for F* needs dense p x p Hessians anyway.
struct dataset {
  matrix features; // p x n: column i is sample a_i
  vector labels;   // n: the real target y_i, or the class index 0 .. K-1
  int classes = 0; // K >= 2 for classification, 0 for regression

  Eigen::Index samples() const {
    return features.cols();
  }
  Eigen::Index features_per_sample() const {
    return features.rows();
  }
};

/// Standardization: every feature (row) gets mean 0 and standard deviation 1
/// over the samples (the population deviation, 1/n). A constant feature
/// carries no information and becomes 0.
void standardize(dataset& data);

/// Appends the constant feature 1 as the last row: x's last entry (or, for
/// several classes, each class's last entry) is then an intercept.
void append_intercept(dataset& data);

/// A contiguous range of samples: first, first + 1, ..., first + count - 1.
struct sample_range {
  uint64_t first = 0;
  uint64_t count = 0;
};

/// Worker w's shard when n samples are split among N workers in order:
/// [floor(w n / N), floor((w + 1) n / N)). Shards differ in size by at most
/// one and cover every sample once; each is non-empty when N <= n.
sample_range shard(uint64_t n, uint32_t w, uint32_t N);

} // namespace lsgd
