// The SIMD step kernels against the generic SGD loop: the same numbers, bit for bit.
#include "numerics/noisy_quadratic.hpp"
#include "numerics/simd/kernels.hpp"
#include "numerics/skewed_quadratic.hpp"
#include "numerics/stream_set.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <vector>

using namespace lsgd;

namespace {

std::vector<simd::path> available_paths() {
  std::vector<simd::path> out;
  for (auto p : {simd::path::scalar, simd::path::avx2, simd::path::avx512})
    if (simd::path_available(p))
      out.push_back(p);
  return out;
}

// Restores the path active_kernels() had when the test started.
struct path_guard {
  simd::path before = simd::force(simd::chosen_path());
  ~path_guard() {
    simd::force(before);
  }
};

std::vector<random_stream> make_streams(size_t columns, uint32_t workers, generator_kind kind,
                                        uint64_t position) {
  std::vector<random_stream> out;
  for (size_t c = 0; c < columns; ++c) {
    out.emplace_back(99, static_cast<uint32_t>(c / workers), static_cast<uint32_t>(c % workers),
                     0, kind);
    out.back().seek(position);
  }
  return out;
}

struct outcome {
  Eigen::MatrixXd x;
  std::vector<double> snapshots;
  std::vector<uint64_t> positions;
};

bool operator==(const outcome& a, const outcome& b) {
  auto same = [](const double* p, const double* q, size_t n) {
    return n == 0 || std::memcmp(p, q, n * sizeof(double)) == 0; // memcmp wants real pointers
  };
  return a.x.size() == b.x.size() && same(a.x.data(), b.x.data(), a.x.size())
         && a.snapshots.size() == b.snapshots.size()
         && same(a.snapshots.data(), b.snapshots.data(), a.snapshots.size())
         && a.positions == b.positions;
}

// Runs steps first .. last - 1 from x0 on every column, recording at `steps`;
// generic = true takes objective::sgd_steps, the block-of-gradients reference.
outcome run(const objective& f, const Eigen::MatrixXd& x0, generator_kind kind,
            uint64_t position, uint64_t first, uint64_t last,
            const std::vector<uint64_t>& steps, bool generic) {
  outcome o;
  o.x = x0;
  stream_set streams(make_streams(static_cast<size_t>(x0.cols()), 3, kind, position));
  o.snapshots.assign(steps.size() * static_cast<size_t>(x0.size()), -1.0);
  const snapshot_sink sink{steps.data(), steps.size(), o.snapshots.data()};
  const auto eta = step_size::harmonic(2.0, 0.5);
  if (generic)
    f.objective::sgd_steps(o.x, streams, eta, first, last, sink);
  else
    f.sgd_steps(o.x, streams, eta, first, last, sink);
  o.positions = streams.positions();
  const auto& columns = streams.columns(); // the streams themselves stand there too
  for (size_t j = 0; j < columns.size(); ++j)
    CHECK(columns[j].position() == o.positions[j]);
  return o;
}

Eigen::MatrixXd start(Eigen::Index d, Eigen::Index columns) {
  Eigen::MatrixXd x(d, columns);
  for (Eigen::Index j = 0; j < columns; ++j)
    for (Eigen::Index i = 0; i < d; ++i)
      x(i, j) = 2.0 - 0.37 * static_cast<double>(j + i); // both signs
  return x;
}

} // namespace

TEST_CASE("skewed quadratic: the SIMD kernel of every path gives the generic loop's numbers") {
  path_guard guard;
  const skewed_quadratic f(1.0, 2.0, 8.0);
  for (Eigen::Index columns : {1, 5, 8, 37, 70})
    for (uint64_t position : {0, 1, 7}) // an odd position starts inside a block
      for (auto steps : std::vector<std::vector<uint64_t>>{{}, {11, 12, 40, 64}, {64}, {3, 2}}) {
        const auto x0 = start(1, columns);
        const auto expected = run(f, x0, default_generator, position, 10, 64, steps, true);
        for (auto p : available_paths()) {
          CAPTURE(simd::path_name(p));
          CAPTURE(columns);
          CAPTURE(position);
          simd::force(p);
          CHECK(run(f, x0, default_generator, position, 10, 64, steps, false) == expected);
        }
      }
}

TEST_CASE("skewed quadratic: streams at different positions and the legacy generator step by column") {
  path_guard guard;
  const skewed_quadratic f(1.0, 2.0, 8.0);
  const auto x0 = start(1, 9);
  const std::vector<uint64_t> steps{5, 20};
  for (auto kind : {generator_kind::philox4x64_ziggurat, generator_kind::philox4x32_boxmuller}) {
    stream_set a(make_streams(9, 3, kind, 0)), b(make_streams(9, 3, kind, 0));
    a.columns()[4].seek(3);
    b.columns()[4].seek(3);
    Eigen::MatrixXd xa = x0, xb = x0;
    std::vector<double> sa(18), sb(18);
    const auto eta = step_size::harmonic(2.0, 0.5);
    f.sgd_steps(xa, a, eta, 0, 20, {steps.data(), 2, sa.data()});
    f.objective::sgd_steps(xb, b, eta, 0, 20, {steps.data(), 2, sb.data()});
    CHECK(std::memcmp(xa.data(), xb.data(), 9 * sizeof(double)) == 0);
    CHECK(sa == sb);
    CHECK(a.positions() == b.positions());
  }
}

TEST_CASE("noisy quadratic: the SIMD kernel of every path gives the generic loop's numbers") {
  path_guard guard;
  Eigen::VectorXd a(3);
  a << 1, 2, 3;
  const noisy_quadratic f(a, 1.0, 0.5);
  for (Eigen::Index columns : {1, 6, 20, 33})
    for (auto steps : std::vector<std::vector<uint64_t>>{{}, {1, 2, 30}, {30}}) {
      const auto x0 = start(3, columns);
      const auto expected = run(f, x0, default_generator, 4, 0, 30, steps, true);
      for (auto p : available_paths()) {
        CAPTURE(simd::path_name(p));
        CAPTURE(columns);
        simd::force(p);
        CHECK(run(f, x0, default_generator, 4, 0, 30, steps, false) == expected);
      }
    }
  // An odd position (a stream drawn once elsewhere) takes the column loop: same numbers.
  const auto x0 = start(3, 4);
  CHECK(run(f, x0, default_generator, 3, 0, 9, {9}, false)
        == run(f, x0, default_generator, 3, 0, 9, {9}, true));
}

TEST_CASE("noisy quadratic: d larger than one pass of the SIMD copy gives the generic loop's numbers") {
  path_guard guard;
  const Eigen::Index d = 2 * noisy_quadratic::coordinates_per_pass + 3;
  Eigen::VectorXd a(d);
  for (Eigen::Index i = 0; i < d; ++i)
    a[i] = 1.0 + static_cast<double>(i % 7);
  const noisy_quadratic f(a, 1.0, 0.5);
  for (Eigen::Index columns : {1, 9})
    for (auto steps : std::vector<std::vector<uint64_t>>{{}, {1, 2, 6}}) {
      const auto x0 = start(d, columns);
      const auto expected = run(f, x0, default_generator, 6, 0, 6, steps, true);
      for (auto p : available_paths()) {
        CAPTURE(simd::path_name(p));
        CAPTURE(columns);
        simd::force(p);
        CHECK(run(f, x0, default_generator, 6, 0, 6, steps, false) == expected);
      }
    }
}

// A block keeps its streams gathered as lanes from round to round; whoever
// looks at them in between (positions for a checkpoint, a seek on resume)
// must see and change what fresh streams each round would.
TEST_CASE("stream_set: lanes kept across rounds give the numbers of streams gathered each round") {
  path_guard guard;
  const skewed_quadratic skewed(1.0, 2.0, 8.0);
  const noisy_quadratic noisy(Eigen::Vector3d(1.0, 0.5, 2.0), 0.3, 0.7);
  const auto eta = step_size::harmonic(2.0, 0.5);
  for (const objective* f : {static_cast<const objective*>(&skewed),
                             static_cast<const objective*>(&noisy)}) {
    const auto d = f->dimension();
    for (auto p : available_paths()) {
      CAPTURE(simd::path_name(p));
      CAPTURE(d);
      simd::force(p);
      stream_set kept(make_streams(11, 3, default_generator, 0));
      auto fresh = make_streams(11, 3, default_generator, 0);
      Eigen::MatrixXd xk = start(d, 11), xf = xk;
      uint64_t t = 0;
      for (uint64_t round = 1; round <= 12; ++round) {
        const uint64_t next = t + 1 + round % 3; // rounds of 1 to 3 steps
        f->sgd_steps(xk, kept, eta, t, next, snapshot_sink{});
        stream_set once(fresh); // gathered anew, then written back
        f->sgd_steps(xf, once, eta, t, next, snapshot_sink{});
        fresh = once.columns();
        CHECK(std::memcmp(xk.data(), xf.data(), sizeof(double) * static_cast<size_t>(xk.size())) == 0);
        std::vector<uint64_t> expected;
        for (const auto& s : fresh)
          expected.push_back(s.position());
        CHECK(kept.positions() == expected);
        if (round == 5) { // a resume moves every stream: the lanes follow
          for (auto& s : kept.columns())
            s.seek(s.position() + 6);
          for (auto& s : fresh)
            s.seek(s.position() + 6);
        }
        if (round == 8) // one stream apart: column by column, then lanes again
          for (auto* s : {&kept.columns()[2], &fresh[2]})
            s->seek(s->position() + 2);
        t = next;
      }
    }
  }
}
