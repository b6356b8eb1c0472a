// The data objectives' SIMD kernels: sigmoid and softplus accuracy, and the same bits on every path.
#include "numerics/stream_set.hpp"
#include "numerics/data_objective.hpp"
#include "numerics/least_squares.hpp"
#include "numerics/logistic_regression.hpp"
#include "numerics/loss_math.hpp"
#include "numerics/simd/kernels.hpp"

#include "tests/numerics/ulps.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace lsgd;
using lsgd::test::ulps;

namespace {

std::vector<simd::path> paths_here() {
  std::vector<simd::path> out;
  for (auto p : {simd::path::scalar, simd::path::avx2, simd::path::avx512})
    if (simd::path_available(p))
      out.push_back(p);
  return out;
}

struct path_guard { // restores the active path
  simd::path before = simd::force(simd::chosen_path());
  ~path_guard() {
    simd::force(before);
  }
};

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}


long double sigmoid_ref(long double z) {
  return z >= 0 ? 1.0L / (1.0L + std::exp(-z)) : std::exp(z) / (1.0L + std::exp(z));
}

long double softplus_ref(long double z) {
  return (z > 0 ? z : 0.0L) + std::log1p(std::exp(-std::fabs(z)));
}

// Features of n samples with p coordinates from a fixed stream, labels 0/1 or real.
std::shared_ptr<dataset> samples(Eigen::Index p, Eigen::Index n, int classes) {
  auto data = std::make_shared<dataset>();
  random_stream rng(7, 1, static_cast<uint32_t>(p));
  data->features.resize(p, n);
  data->labels.resize(n);
  data->classes = classes;
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index k = 0; k < p; ++k)
      data->features(k, i) = rng.normal();
    const double score = data->features.col(i).sum() + rng.normal();
    data->labels[i] = classes == 2 ? (score > 0 ? 1 : 0) : score;
  }
  return data;
}

} // namespace

TEST_CASE("sigmoid and softplus: within a few ulp of long double exp and log1p") {
  double worst_sigmoid = 0, worst_softplus = 0;
  for (int i = -200000; i <= 200000; ++i) {
    const double z = i * 3.7e-3 + (i % 7) * 1e-9; // [-740, 740], not on a grid of ln 2
    const double s = sigmoid(z);
    if (s > 1e-300) // the reference is subnormal below
      worst_sigmoid = std::max(worst_sigmoid, ulps(s, sigmoid_ref(z)));
    worst_softplus = std::max(worst_softplus, ulps(softplus(z), softplus_ref(z)));
  }
  for (double z : {1e-300, 1e-20, 1e-9, -1e-9, 0.5, -0.5, 20.0, -20.0, 36.7, -36.7}) {
    CAPTURE(z);
    CHECK(ulps(sigmoid(z), sigmoid_ref(z)) <= 4);
    CHECK(ulps(softplus(z), softplus_ref(z)) <= 4);
  }
  MESSAGE("worst ulp: sigmoid " << worst_sigmoid << ", softplus " << worst_softplus);
  CHECK(worst_sigmoid <= 4);
  CHECK(worst_softplus <= 4);
}

TEST_CASE("sigmoid and softplus at their limits") {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK(sigmoid(0.0) == 0.5);
  CHECK(sigmoid(-0.0) == 0.5);
  CHECK(softplus(0.0) == doctest::Approx(std::log(2.0)).epsilon(1e-16));
  CHECK(sigmoid(inf) == 1.0);
  CHECK(sigmoid(-inf) == 0.0);
  CHECK(sigmoid(800.0) == 1.0);
  CHECK(sigmoid(-800.0) == 0.0);
  CHECK(sigmoid(-740.0) > 0.0); // subnormal, not flushed
  CHECK(sigmoid(-740.0) == doctest::Approx(std::exp(-740.0)).epsilon(1e-3));
  CHECK(softplus(inf) == inf);
  CHECK(softplus(-inf) == 0.0);
  CHECK(softplus(800.0) == 800.0);
  CHECK(softplus(-800.0) == 0.0);
  CHECK(softplus(1e308) == 1e308);
  CHECK(std::isnan(sigmoid(nan)));
  CHECK(std::isnan(softplus(nan)));
  CHECK(std::isnan(sigmoid(-nan)));
}

TEST_CASE("the softplus kernel of every path: the scalar softplus's bits") {
  path_guard guard;
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> z{0.0, -0.0, 1.0, -1.0, 745.0, -745.0, inf, -inf, 1e-310, 37.0};
  for (int i = 0; i < 53; ++i) // 63 values: full vectors and a partial one
    z.push_back((i - 26) * 1.37);
  for (auto p : paths_here()) {
    CAPTURE(simd::path_name(p));
    std::vector<double> out(z.size());
    simd::kernels_for(p).softplus(z.data(), z.size(), out.data());
    for (size_t i = 0; i < z.size(); ++i) {
      CAPTURE(z[i]);
      CHECK(same_bits(out[i], softplus(z[i])));
    }
  }
}

TEST_CASE("ordered_dot: the eight partial sums and their tree") {
  std::vector<double> a(19), x(19);
  for (size_t k = 0; k < a.size(); ++k) {
    a[k] = 1.0 + static_cast<double>(k) * 1e-3;
    x[k] = k % 3 == 0 ? 1e16 : -0.7;
  }
  double s[8] = {};
  for (size_t k = 0; k < a.size(); ++k)
    s[k % 8] = s[k % 8] + a[k] * x[k];
  const double tree = ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
  CHECK(same_bits(ordered_dot(a.data(), x.data(), a.size()), tree));
  CHECK(ordered_dot(a.data(), x.data(), 0) == 0.0);
}

TEST_CASE("the linear SGD kernel on every path: the generic loop's bits") {
  path_guard guard;
  const auto eta = step_size::inverse_time(2.0, 0.1, 10.0);
  const std::vector<uint64_t> steps{1, 7, 130, 300}; // across the 128-step chunks
  for (Eigen::Index p : {5, 17, 31}) { // under a vector, a tail of 1, breast cancer's d
    for (int classes : {0, 2}) {
      std::shared_ptr<const finite_sum> f;
      if (classes == 2)
        f = std::make_shared<logistic_regression>(samples(p, 57, 2), 0.01);
      else
        f = std::make_shared<least_squares>(samples(p, 57, 0), 0.01);
      for (uint32_t batch : {1u, 3u}) {
        const data_objective obj(f, vector::Zero(p), 0.0, batch, data_split::shared);
        const Eigen::Index cols = 11; // an 8 and a 3
        matrix x0(p, cols);
        random_stream start(3, 0, 0);
        for (Eigen::Index j = 0; j < cols; ++j)
          for (Eigen::Index k = 0; k < p; ++k)
            x0(k, j) = 0.5 * start.normal();
        auto streams_of = [&] {
          std::vector<random_stream> s;
          for (Eigen::Index j = 0; j < cols; ++j)
            s.emplace_back(11, 0, static_cast<uint32_t>(j));
          return stream_set(std::move(s));
        };
        matrix generic = x0;
        std::vector<double> out_generic(steps.size() * cols * p);
        auto s0 = streams_of();
        obj.objective::sgd_steps(generic, s0, eta, 0, 300,
                                 {steps.data(), steps.size(), out_generic.data()});
        for (auto path : paths_here()) {
          simd::force(path);
          matrix fused = x0;
          std::vector<double> out(out_generic.size());
          auto s1 = streams_of();
          obj.sgd_steps(fused, s1, eta, 0, 300, {steps.data(), steps.size(), out.data()});
          CAPTURE(p);
          CAPTURE(classes);
          CAPTURE(batch);
          CAPTURE(simd::path_name(path));
          CHECK(std::memcmp(fused.data(), generic.data(), sizeof(double) * p * cols) == 0);
          CHECK(std::memcmp(out.data(), out_generic.data(), sizeof(double) * out.size()) == 0);
          CHECK(s1.positions() == s0.positions());
        }
      }
    }
  }
}

TEST_CASE("below_many: below()'s numbers and position, rejections included") {
  for (auto kind : {generator_kind::philox4x32_boxmuller, generator_kind::philox4x64_ziggurat}) {
    // 2^63 + 1 rejects about half of the words, 569 almost none.
    for (uint64_t n : {uint64_t{1}, uint64_t{569}, (uint64_t{1} << 63) + 1}) {
      random_stream one(5, 2, 3, 0, kind), many(5, 2, 3, 0, kind);
      one.below(7); // a stream in the middle of a block
      many.below(7);
      std::vector<uint64_t> out(2 * 203);
      many.below_many(n, 203, out.data(), 2);
      for (size_t i = 0; i < 203; ++i) {
        CAPTURE(i);
        CHECK(out[2 * i] == one.below(n));
      }
      CHECK(many.position() == one.position());
      CHECK(many.below(n) == one.below(n));
    }
  }
}

TEST_CASE("below_each: below() of every stream, numbers and positions, on every path") {
  path_guard guard;
  for (auto path : paths_here()) {
    simd::force(path);
    CAPTURE(simd::path_name(path));
    // 130 streams: two full calls of 64 and a partial one; a legacy stream or
    // one out of step makes a call go stream by stream.
    for (int variant = 0; variant < 3; ++variant) {
      CAPTURE(variant);
      std::vector<random_stream> each, one;
      for (uint32_t c = 0; c < 130; ++c) {
        const auto kind = variant == 1 && c == 70 ? generator_kind::philox4x64_ziggurat
                                                  : generator_kind::philox4x32_boxmuller;
        each.emplace_back(9, c / 10, c % 10, 0, kind);
        one.emplace_back(9, c / 10, c % 10, 0, kind);
      }
      if (variant == 2) {
        each[3].below(5);
        one[3].below(5);
      }
      std::vector<uint64_t> n(130), out(130);
      for (size_t c = 0; c < 130; ++c) // 2^63 + 1 rejects about half of the words
        n[c] = c % 3 == 0 ? (uint64_t{1} << 63) + 1 : 569 + c;
      for (int draw = 0; draw < 5; ++draw) {
        below_each(each.data(), each.size(), n.data(), out.data());
        for (size_t c = 0; c < 130; ++c) {
          CAPTURE(c);
          CHECK(out[c] == one[c].below(n[c]));
          CHECK(each[c].position() == one[c].position());
        }
      }
    }
  }
}
