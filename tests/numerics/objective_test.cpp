#include "numerics/noisy_quadratic.hpp"
#include "numerics/skewed_quadratic.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

using namespace lsgd;

namespace {

// Draws `n` gradients at x and checks every coordinate's mean against `expected`
// within 4 standard errors (fixed streams, so a failure reproduces).
void check_unbiased(const objective& f, const Eigen::VectorXd& x,
                    const Eigen::VectorXd& expected, int n) {
  const auto d = f.dimension();
  std::vector<random_stream> streams;
  for (uint32_t w = 0; w < 8; ++w)
    streams.emplace_back(7, 0, w);
  Eigen::MatrixXd X = x.replicate(1, 8), G(d, 8);
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(d), sq = Eigen::VectorXd::Zero(d);
  for (int i = 0; i < n / 8; ++i) {
    f.sample_gradients(X, streams.data(), G);
    sum += G.rowwise().sum();
    sq += G.array().square().matrix().rowwise().sum();
  }
  const double m = 8.0 * (n / 8);
  for (Eigen::Index i = 0; i < d; ++i) {
    const double mean = sum[i] / m;
    const double se = std::sqrt((sq[i] / m - mean * mean) / m);
    CAPTURE(i);
    CHECK(std::abs(mean - expected[i]) < 4 * se);
    CHECK(se > 0);
  }
}

} // namespace

TEST_CASE("noisy quadratic: value, optimum and unbiased gradients") {
  Eigen::VectorXd a(3);
  a << 1, 2, 3;
  noisy_quadratic f(a, 1.0, 0.5);
  Eigen::VectorXd x(3);
  x << 1, -0.5, 2;
  CHECK(f.value(x) == doctest::Approx(0.5 * (1 + 2 * 0.25 + 3 * 4)));
  CHECK(f.optimum_value() == 0);
  CHECK(f.error(Eigen::VectorXd::Zero(3)) == 0);
  check_unbiased(f, x, a.cwiseProduct(x), 200000);
}

TEST_CASE("noisy quadratic: the noise levels are those configured") {
  Eigen::VectorXd a(1);
  a << 2;
  noisy_quadratic f(a, 1.0, 0.5);
  // At x = 0 the gradient is 0.5 z2: variance 0.25.
  std::vector<random_stream> s{random_stream(1, 0, 0)};
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(1, 1), G(1, 1);
  double sq = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    f.sample_gradients(X, s.data(), G);
    sq += G(0, 0) * G(0, 0);
  }
  // Var of a sample variance of normals: 2 sigma^4 / n -> se = 0.25 sqrt(2/n).
  CHECK(std::abs(sq / n - 0.25) < 4 * 0.25 * std::sqrt(2.0 / n));
}

TEST_CASE("skewed quadratic: both sides, unbiased gradients") {
  skewed_quadratic f(1.0, 2.0, 8.0);
  Eigen::VectorXd x(1);
  x << 2;
  CHECK(f.value(x) == doctest::Approx(4.0));
  x << -2;
  CHECK(f.value(x) == doctest::Approx(2.0));
  Eigen::VectorXd g(1);
  g << -2; // mu x
  check_unbiased(f, x, g, 400000);
  x << 0.5;
  g << 1.0; // L x
  check_unbiased(f, x, g, 400000);
}

TEST_CASE("random streams: reproducible and distinct per (seed, repetition, worker)") {
  random_stream a(1, 2, 3), b(1, 2, 3), c(1, 2, 4), d(1, 3, 3), e(2, 2, 3);
  const double va = a.normal();
  CHECK(va == b.normal());
  CHECK(va != c.normal());
  CHECK(va != d.normal());
  CHECK(va != e.normal());
}

TEST_CASE("random streams: position and seek continue a stream exactly") {
  random_stream a(7, 1, 2);
  std::vector<uint64_t> positions;
  std::vector<double> draws;
  for (int i = 0; i < 50; ++i) { // normals draw a varying number of words
    positions.push_back(a.position());
    draws.push_back(a.normal());
  }
  CHECK(positions.front() == 0);
  CHECK(positions.back() >= 49);
  for (size_t i = 0; i < positions.size(); ++i) {
    random_stream b(7, 1, 2);
    b.seek(positions[i]);
    CHECK(b.position() == positions[i]);
    for (size_t k = i; k < draws.size(); ++k)
      REQUIRE(b.normal() == draws[k]);
  }
  // Every place in a block of the legacy generator's four words (its position
  // counts words; philox_boxmuller_test.cpp checks the other generator's slots).
  for (uint64_t p : {0, 1, 2, 3, 4, 5, 11, 12, 13}) {
    random_stream c(3, 0, 0, 0, generator_kind::philox4x64_ziggurat),
      d(3, 0, 0, 0, generator_kind::philox4x64_ziggurat);
    for (uint64_t k = 0; k < p; ++k)
      c();
    d.seek(p);
    CHECK(d.position() == p);
    CHECK(c() == d());
  }
}

TEST_CASE("random streams: a new incarnation of a worker id draws other numbers") {
  random_stream a(1, 2, 3), b(1, 2, 3, 1), c(1, 2, 3, 2);
  const double va = a.normal();
  const double vb = b.normal();
  CHECK(va != vb);
  CHECK(vb != c.normal());
  CHECK(b.position() == a.position());
}
