// Test values for the round reductions: matrices whose sums depend on the
// order of the additions, a block's columns as a node holds them, and a
// bit-for-bit comparison.
#pragma once

#include <Eigen/Core>

#include <cmath>
#include <cstring>
#include <random>

namespace lsgd::test {

// Magnitudes over 30 decades (so that reordering changes the sums) and a -0.0.
inline Eigen::MatrixXd awkward(Eigen::Index rows, Eigen::Index cols, unsigned seed) {
  std::mt19937_64 g(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      m(i, j) = u(g) * std::pow(10.0, static_cast<double>(g() % 30) - 15);
  m(0, 0) = -0.0;
  return m;
}

// Ids w .. w + count - 1 of every group (column g * N + id of `all`), as a
// block holds them.
inline Eigen::MatrixXd block_of(const Eigen::MatrixXd& all, Eigen::Index groups, Eigen::Index N,
                                Eigen::Index w, Eigen::Index count) {
  Eigen::MatrixXd part(all.rows(), groups * count);
  for (Eigen::Index g = 0; g < groups; ++g)
    part.middleCols(g * count, count) = all.middleCols(g * N + w, count);
  return part;
}

inline bool same_bits(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols()
         && std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<size_t>(a.size())) == 0;
}

} // namespace lsgd::test
