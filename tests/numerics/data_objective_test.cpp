// Objectives on data sets: gradients, Hessians, F* by Newton, mini-batches, shards.
#include "numerics/stream_set.hpp"
#include "numerics/data_objective.hpp"
#include "numerics/least_squares.hpp"
#include "numerics/local_optimizer.hpp"
#include "numerics/logistic_regression.hpp"
#include "numerics/multinomial_logistic.hpp"
#include "numerics/newton.hpp"
#include "numerics/noisy_quadratic.hpp"
#include "numerics/product_blocking.hpp"
#include "numerics/sgd_block.hpp"

#include <doctest/doctest.h>

#include <Eigen/Eigenvalues>
#include <Eigen/QR>

#include <cmath>
#include <cstring>
#include <set>

using namespace lsgd;

namespace {

// n samples of p standard normal features from a fixed stream; labels from a
// noisy linear rule: real (classes = 0), or K classes.
std::shared_ptr<dataset> synthetic(Eigen::Index p, Eigen::Index n, int classes,
                                   bool intercept = true) {
  auto data = std::make_shared<dataset>();
  random_stream rng(99, 0, static_cast<uint32_t>(p * 1000 + classes));
  data->features.resize(p, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index k = 0; k < p; ++k)
      data->features(k, i) = rng.normal();
  data->labels.resize(n);
  data->classes = classes;
  for (Eigen::Index i = 0; i < n; ++i) {
    const double score = data->features.col(i).sum() + rng.normal();
    if (classes == 0)
      data->labels[i] = score;
    else if (classes == 2)
      data->labels[i] = score > 0 ? 1 : 0;
    else
      data->labels[i] = static_cast<double>(rng.below(static_cast<uint64_t>(classes)));
  }
  if (intercept)
    append_intercept(*data);
  return data;
}

std::vector<std::shared_ptr<const finite_sum>> all_problems(double lambda) {
  return {std::make_shared<least_squares>(synthetic(3, 40, 0), lambda),
          std::make_shared<logistic_regression>(synthetic(3, 40, 2), lambda),
          std::make_shared<multinomial_logistic>(synthetic(3, 40, 4), lambda),
          std::make_shared<logistic_regression>(synthetic(4, 30, 2, false), lambda)};
}

vector point(Eigen::Index d, uint32_t seed) {
  random_stream rng(5, 0, seed);
  vector x(d);
  for (Eigen::Index i = 0; i < d; ++i)
    x[i] = 0.7 * rng.normal();
  return x;
}

// The mean gradient over every sample, from add_sample_gradient, plus lambda x.
vector mean_sample_gradient(const finite_sum& f, const vector& x) {
  vector g = vector::Zero(f.dimension()), scratch(f.scratch_size());
  const auto n = f.data().samples();
  for (Eigen::Index i = 0; i < n; ++i)
    f.add_sample_gradient(i, x.data(), g.data(), scratch.data());
  return g / static_cast<double>(n) + f.lambda() * x;
}

} // namespace

TEST_CASE("constructing an objective pins Eigen's product blocking, whatever L1 it read") {
  // A product of depth 6000, which Eigen sums in blocks sized by the L1 cache.
  auto data = synthetic(20, 6000, 0);
  const matrix& A = data->features;
  Eigen::setCpuCacheSizes(32 * 1024, 512 * 1024, 8 * 1024 * 1024); // a Zen's L1
  const matrix on_32k = A * A.transpose();
  least_squares f(data, 0.01);
  CHECK(Eigen::l1CacheSize() == pinned_l1_bytes);
  const matrix pinned = A * A.transpose();
  CHECK(pinned != on_32k); // the blocking moves bits: the pin is what makes them equal
  Eigen::setCpuCacheSizes(64 * 1024, 1024 * 1024, 64 * 1024 * 1024);
  noisy_quadratic q(vector::Ones(3), 1.0, 0.5); // any objective
  CHECK(Eigen::l1CacheSize() == pinned_l1_bytes);
  CHECK(A * A.transpose() == pinned);
}

TEST_CASE("random_stream::below is uniform and exactly in range") {
  random_stream rng(3, 1, 4);
  // Chi-square over 6 cells, 60000 draws: 5 degrees of freedom, 99.9% at 20.5.
  std::vector<double> counts(6, 0);
  for (int i = 0; i < 60000; ++i)
    counts[rng.below(6)] += 1;
  double chi2 = 0;
  for (double c : counts)
    chi2 += (c - 10000) * (c - 10000) / 10000;
  CHECK(chi2 < 20.5);
  // n = 2^63 + 1 rejects almost half of the words: still in range, and the
  // two halves equally likely.
  const uint64_t n = (uint64_t{1} << 63) + 1;
  int high = 0;
  for (int i = 0; i < 4000; ++i) {
    const auto v = rng.below(n);
    CHECK(v < n);
    high += v >= n / 2;
  }
  CHECK(std::abs(high - 2000) < 4 * std::sqrt(1000.0)); // 4 sd of Binomial(4000, 1/2)
  CHECK(rng.below(1) == 0);
  // A power of two takes the high bits of one word, no rejection.
  random_stream a(8, 0, 0), b(8, 0, 0);
  for (int i = 0; i < 100; ++i)
    CHECK(a.below(1024) == (b() >> 54));
}

TEST_CASE("each objective's gradient and Hessian match finite differences") {
  for (const auto& f : all_problems(0.1)) {
    CAPTURE(f->describe());
    const auto d = f->dimension();
    const vector x = point(d, 1);
    vector g(d), gp(d), gm(d);
    f->gradient(x, g);
    matrix H;
    f->hessian(x, H);
    REQUIRE(H.rows() == d);
    CHECK((H - H.transpose()).norm() < 1e-12 * H.norm());
    const double h = 1e-5;
    for (Eigen::Index i = 0; i < d; ++i) {
      vector xp = x, xm = x;
      xp[i] += h;
      xm[i] -= h;
      // Central differences: error O(h^2) ~ 1e-10 times the third derivative.
      CHECK(g[i] == doctest::Approx((f->value(xp) - f->value(xm)) / (2 * h)).epsilon(1e-7));
      f->gradient(xp, gp);
      f->gradient(xm, gm);
      const vector column = (gp - gm) / (2 * h);
      CHECK((H.col(i) - column).norm() < 1e-7 * std::max(1.0, column.norm()));
    }
    // The samples' gradients average to the full gradient.
    CHECK((mean_sample_gradient(*f, x) - g).norm() < 1e-12 * std::max(1.0, g.norm()));
    // L bounds the Hessian here (and everywhere).
    Eigen::SelfAdjointEigenSolver<matrix> eig(H);
    CHECK(eig.eigenvalues().maxCoeff() <= f->smoothness() * (1 + 1e-12));
    CHECK(eig.eigenvalues().minCoeff() >= f->lambda() * (1 - 1e-9)); // lambda-strongly convex
  }
}

TEST_CASE("logistic losses stay finite for huge scores") {
  auto data = synthetic(2, 10, 2);
  logistic_regression f(data, 0.1);
  vector x = vector::Constant(f.dimension(), 1e4);
  CHECK(std::isfinite(f.value(x)));
  vector g(f.dimension());
  f.gradient(x, g);
  CHECK(g.allFinite());
  multinomial_logistic m(synthetic(2, 10, 3), 0.1);
  vector y = point(m.dimension(), 2) * 1e4;
  CHECK(std::isfinite(m.value(y)));
  vector gm(m.dimension());
  m.gradient(y, gm);
  CHECK(gm.allFinite());
}

TEST_CASE("Newton's method: gradient below 1e-8 and agreement with an independent solver") {
  SUBCASE("ridge: against the normal equations solved by QR") {
    auto data = synthetic(5, 60, 0);
    least_squares f(data, 0.05);
    const auto r = newton_minimize(f, vector::Zero(f.dimension()));
    CHECK(r.gradient_norm < 1e-12);
    // min (1/2n)|A^T x - y|^2 + (lambda/2)|x|^2 is the least-squares solution
    // of [A^T / sqrt(n); sqrt(lambda) I] x = [y / sqrt(n); 0].
    const auto n = static_cast<double>(data->samples());
    const auto d = f.dimension();
    matrix M(data->samples() + d, d);
    M << data->features.transpose() / std::sqrt(n), std::sqrt(0.05) * matrix::Identity(d, d);
    vector rhs = vector::Zero(data->samples() + d);
    rhs.head(data->samples()) = data->labels / std::sqrt(n);
    const vector x = M.colPivHouseholderQr().solve(rhs);
    CHECK((r.x - x).norm() < 1e-10 * x.norm());
    CHECK(r.value == doctest::Approx(f.value(x)).epsilon(1e-13));
  }
  SUBCASE("logistic and multinomial: against long gradient descent") {
    for (const auto& f : all_problems(0.05)) {
      if (dynamic_cast<const least_squares*>(f.get()))
        continue;
      CAPTURE(f->describe());
      const auto r = newton_minimize(*f, vector::Zero(f->dimension()));
      CHECK(r.gradient_norm < 1e-8);
      CHECK(r.iterations < 30);
      // Gradient descent with step 1/L converges linearly at rate 1 - lambda/L.
      vector x = vector::Zero(f->dimension()), g(f->dimension());
      const double L = f->smoothness();
      for (int k = 0; k < 20000; ++k) {
        f->gradient(x, g);
        if (g.norm() < 1e-11)
          break;
        x -= g / L;
      }
      f->gradient(x, g);
      REQUIRE(g.norm() < 1e-9);
      // Strong convexity: 0 <= F(x) - F* <= |grad F(x)|^2 / (2 lambda).
      CHECK(std::abs(f->value(x) - r.value) < 1e-14 + g.norm() * g.norm() / (2 * f->lambda()));
      CHECK((x - r.x).norm() <= g.norm() / f->lambda() + 1e-12);
    }
  }
}

TEST_CASE("mini-batch gradients are unbiased") {
  for (const auto& f : all_problems(0.1)) {
    CAPTURE(f->describe());
    const auto d = f->dimension();
    data_objective obj(f, vector::Zero(d), 0.0, 3, data_split::shared);
    const vector x = point(d, 3);
    vector full(d);
    f->gradient(x, full);
    constexpr int columns = 8, draws = 4000;
    std::vector<random_stream> streams;
    for (uint32_t w = 0; w < columns; ++w)
      streams.emplace_back(17, 0, w);
    matrix X = x.replicate(1, columns), G(d, columns);
    vector sum = vector::Zero(d), sq = vector::Zero(d);
    for (int k = 0; k < draws; ++k) {
      obj.sample_gradients(X, streams.data(), G);
      sum += G.rowwise().sum();
      sq += G.array().square().matrix().rowwise().sum();
    }
    const double m = double(columns) * draws;
    for (Eigen::Index i = 0; i < d; ++i) {
      const double mean = sum[i] / m;
      const double se = std::sqrt(std::max(0.0, sq[i] / m - mean * mean) / m);
      CAPTURE(i);
      CHECK(std::abs(mean - full[i]) <= 4 * se + 1e-14); // within 4 standard errors
    }
  }
}

TEST_CASE("the fused SGD loop gives the numbers of the generic one") {
  for (const auto& f : all_problems(0.1)) {
    for (auto split : {data_split::shared, data_split::sharded}) {
      CAPTURE(f->describe());
      auto obj = std::make_shared<data_objective>(f, vector::Zero(f->dimension()), 0.0, 2, split);
      const block_layout layout{4, 0, 2, 1, 3, 5}; // repetitions 0-1, workers 1-3 of 5
      const auto view = block_objective(obj, layout);
      const auto eta = step_size::inverse_time(2.0, 0.1, 10.0);
      const std::vector<uint64_t> steps{3, 7, 20};
      const auto cols = layout.columns();
      const auto d = f->dimension();
      matrix x0 = point(d, 4).replicate(1, cols);
      // Fused (the override) against objective::sgd_steps, the generic loop.
      matrix fused = x0, generic = x0;
      std::vector<double> out_fused(steps.size() * cols * d), out_generic(out_fused.size());
      stream_set s1(layout.streams()), s2(layout.streams());
      view->sgd_steps(fused, s1, eta, 0, 20, {steps.data(), steps.size(), out_fused.data()});
      view->objective::sgd_steps(generic, s2, eta, 0, 20,
                                 {steps.data(), steps.size(), out_generic.data()});
      CHECK(fused == generic);
      CHECK(out_fused == out_generic);
      CHECK(fused != x0);
    }
  }
}

TEST_CASE("sharded: worker w samples only its shard, shared samples everything") {
  CHECK(shard(10, 0, 3).first == 0);
  CHECK(shard(10, 0, 3).count == 3);
  CHECK(shard(10, 1, 3).first == 3);
  CHECK(shard(10, 2, 3).first == 6);
  CHECK(shard(10, 2, 3).count == 4);
  uint64_t covered = 0;
  for (uint32_t w = 0; w < 7; ++w)
    covered += shard(100, w, 7).count;
  CHECK(covered == 100);

  // Least squares with x = 0 and no intercept: the gradient of sample i is
  // -y_i a_i, so with one-hot features a_i = e_i the gradient names the sample.
  const Eigen::Index n = 12;
  auto data = std::make_shared<dataset>();
  data->features = matrix::Identity(n, n);
  data->labels = -vector::Ones(n);
  auto f = std::make_shared<least_squares>(data, 1.0);
  auto sample_set = [&](data_split split, const block_layout& layout) {
    auto obj = std::make_shared<data_objective>(f, vector::Zero(n), 0.0, 1, split);
    const auto view = block_objective(obj, layout);
    auto streams = layout.streams();
    std::vector<std::set<Eigen::Index>> seen(static_cast<size_t>(layout.columns()));
    matrix x = matrix::Zero(n, layout.columns()), g(n, layout.columns());
    for (int k = 0; k < 400; ++k) {
      view->sample_gradients(x, streams.data(), g);
      for (Eigen::Index c = 0; c < layout.columns(); ++c) {
        Eigen::Index i = 0;
        g.col(c).maxCoeff(&i);
        seen[static_cast<size_t>(c)].insert(i);
      }
    }
    return seen;
  };
  // Workers 1 and 2 of N = 4 (shards [3, 6) and [6, 9)), two repetitions.
  const block_layout layout{1, 0, 2, 1, 2, 4};
  const auto sharded = sample_set(data_split::sharded, layout);
  for (Eigen::Index c = 0; c < layout.columns(); ++c) {
    const auto range = shard(n, layout.worker(c), 4);
    std::set<Eigen::Index> expected;
    for (uint64_t i = range.first; i < range.first + range.count; ++i)
      expected.insert(static_cast<Eigen::Index>(i));
    CHECK(sharded[static_cast<size_t>(c)] == expected);
  }
  const auto shared = sample_set(data_split::shared, layout);
  for (const auto& s : shared)
    CHECK(s.size() == static_cast<size_t>(n));
  // The shard follows the worker id, not the block: worker 2 alone sees [6, 9).
  const auto alone = sample_set(data_split::sharded, block_layout{1, 0, 1, 2, 1, 4});
  CHECK(alone[0] == sharded[1]);

  // Unbound, a sharded objective refuses to sample rather than use everything.
  data_objective unbound(f, vector::Zero(n), 0.0, 1, data_split::sharded);
  std::vector<random_stream> one(1);
  matrix x = matrix::Zero(n, 1), g(n, 1);
  CHECK_THROWS_AS(unbound.sample_gradients(x, one.data(), g), std::logic_error);
  CHECK_THROWS_AS(block_objective(std::make_shared<data_objective>(unbound),
                                  block_layout{1, 0, 1, 0, 1, 13}),
                  std::invalid_argument); // N > n
}

TEST_CASE("standardize and append_intercept") {
  dataset d;
  d.features.resize(3, 4);
  d.features << 1, 2, 3, 4, //
    5, 5, 5, 5,             // constant: becomes 0
    -2, 0, 0, 2;
  d.labels = vector::Zero(4);
  standardize(d);
  for (Eigen::Index k = 0; k < 3; ++k)
    CHECK(std::abs(d.features.row(k).mean()) < 1e-15);
  CHECK(d.features.row(0).squaredNorm() / 4 == doctest::Approx(1.0));
  CHECK(d.features.row(1).isZero());
  CHECK(d.features.row(2).squaredNorm() / 4 == doctest::Approx(1.0));
  append_intercept(d);
  CHECK(d.features.rows() == 4);
  CHECK(d.features.row(3).isOnes());
  CHECK(d.features(0, 0) == doctest::Approx(-1.5 / std::sqrt(1.25)));
}

namespace {

// F as it was computed before sample_products, one Eigen gemv per point: on the
// baseline ISA (SSE2 packets) sample_products promises its order.
double gemv_value(const finite_sum& f, const const_vector_ref& x) {
  const auto& data = f.data();
  const vector z = data.features.transpose() * x;
  if (data.classes == 0) {
    const vector r = z - data.labels;
    return 0.5 * r.squaredNorm() / static_cast<double>(r.size())
           + 0.5 * f.lambda() * x.squaredNorm();
  }
  double sum = 0;
  for (Eigen::Index i = 0; i < z.size(); ++i)
    sum += softplus(z[i]) - data.labels[i] * z[i];
  return sum / static_cast<double>(z.size()) + 0.5 * f.lambda() * x.squaredNorm();
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

TEST_CASE("errors() of many points: error() of each, to the last bit, in one pass") {
  auto problems = all_problems(0.1);
  // Breast cancer's shape: p = 31 (odd: a last term after the pairs), n = 569.
  problems.push_back(std::make_shared<logistic_regression>(synthetic(30, 569, 2), 0.01));
  problems.push_back(std::make_shared<least_squares>(synthetic(30, 100, 0), 0.01));
  for (const auto& f : problems) {
    CAPTURE(f->describe());
    const auto d = f->dimension();
    const data_objective obj(f, vector::Zero(d), 0.125, 1, data_split::shared);
    for (Eigen::Index R : {1, 3, 8, 9, 21}) { // blocks of 8 columns and the rest
      CAPTURE(R);
      matrix X(d, R);
      for (Eigen::Index j = 0; j < R; ++j)
        X.col(j) = point(d, static_cast<uint32_t>(j + 10 * R));
      X(0, 0) = 0.0; // a zero product term somewhere
      std::vector<double> out(static_cast<size_t>(R));
      obj.errors(X, out.data());
      for (Eigen::Index j = 0; j < R; ++j) {
        CAPTURE(j);
        CHECK(same_bits(out[static_cast<size_t>(j)], obj.error(X.col(j))));
        if (f->data().classes <= 2) {
#if !defined(__AVX__)
          CHECK(same_bits(obj.error(X.col(j)), gemv_value(*f, X.col(j)) - 0.125));
#endif
        }
      }
    }
  }
}

TEST_CASE("the interleaved SGD loop of least squares and logistic regression: the generic "
          "loop's numbers for any interleave, batch size and column count") {
  for (const auto& f : all_problems(0.1)) {
    if (!f->has_residual())
      continue;
    for (uint32_t batch : {1u, 3u}) {
      for (Eigen::Index interleave : {1, 2, 4, 8}) {
        CAPTURE(f->describe());
        CAPTURE(batch);
        CAPTURE(interleave);
        auto obj = std::make_shared<data_objective>(f, vector::Zero(f->dimension()), 0.0, batch,
                                                    data_split::sharded);
        obj->set_interleave(interleave);
        const block_layout layout{4, 0, 3, 1, 3, 5}; // 9 columns: not a multiple of 2, 4, 8
        const auto view = block_objective(obj, layout);
        const auto eta = step_size::inverse_time(2.0, 0.1, 10.0);
        const std::vector<uint64_t> steps{1, 7, 30};
        const auto cols = layout.columns();
        const auto d = f->dimension();
        matrix x0(d, cols);
        for (Eigen::Index j = 0; j < cols; ++j)
          x0.col(j) = point(d, static_cast<uint32_t>(j));
        matrix fused = x0, generic = x0;
        std::vector<double> out_fused(steps.size() * cols * d), out_generic(out_fused.size());
        stream_set s1(layout.streams()), s2(layout.streams());
        view->sgd_steps(fused, s1, eta, 0, 30,
                        {steps.data(), steps.size(), out_fused.data()});
        view->objective::sgd_steps(generic, s2, eta, 0, 30,
                                   {steps.data(), steps.size(), out_generic.data()});
        CHECK(fused == generic);
        CHECK(out_fused == out_generic);
        CHECK(s1.positions() == s2.positions());
      }
    }
  }
}
