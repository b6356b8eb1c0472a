#include "numerics/linear_sgd.hpp"

#include "numerics/simd/kernels.hpp"

#include <algorithm>

namespace lsgd {

namespace {

// Steps per kernel call: the draws of 8 columns for them fit in L1.
constexpr size_t chunk_steps = 128;

// Below this many draws per column in a call (sync: one step a round), they
// are drawn across all columns at once (below_each) before stepping.
constexpr size_t few_draws = 8;

} // namespace

void linear_sgd_steps(const finite_sum& f, uint32_t batch, const std::vector<sample_range>& ranges,
                      Eigen::Ref<matrix> x, random_stream* streams, const std::vector<double>& etas,
                      uint64_t first, const snapshot_sink& sink, Eigen::Index interleave) {
  const auto& A = f.data().features;
  const auto d = x.rows(), columns = x.cols();
  const Eigen::Index width = std::clamp<Eigen::Index>(interleave, 1, max_interleave);
  const auto& kernels = simd::active_kernels();
  std::vector<double> g(static_cast<size_t>(d * width));
  std::vector<uint64_t> drawn(chunk_steps * batch * max_interleave, 0);
  simd::linear_block b;
  b.samples = A.data();
  b.labels = f.data().labels.data();
  b.d = static_cast<size_t>(d);
  b.x_stride = static_cast<size_t>(x.outerStride());
  b.drawn = drawn.data();
  b.batch = batch;
  b.lambda = f.lambda();
  b.logistic = f.logistic_residual();
  b.g = g.data();
  // Each stream's draws do not depend on the iterates: with few per column,
  // all of them first, draw i of column j at early[i * columns + j].
  const size_t draws = etas.size() * batch;
  std::vector<uint64_t> early;
  if (draws < few_draws && columns > 1) {
    const auto cols = static_cast<size_t>(columns);
    early.resize(draws * cols);
    std::vector<uint64_t> n(cols);
    for (size_t j = 0; j < cols; ++j)
      n[j] = ranges[j].count;
    for (size_t i = 0; i < draws; ++i) {
      uint64_t* row = early.data() + i * cols;
      below_each(streams, cols, n.data(), row);
      for (size_t j = 0; j < cols; ++j)
        row[j] += ranges[j].first;
    }
  }
  for (Eigen::Index j0 = 0; j0 < columns; j0 += width) {
    const auto W = std::min(width, columns - j0);
    b.x = &x(0, j0);
    b.columns = static_cast<size_t>(W);
    size_t s = 0; // the next recorded step
    for (size_t k0 = 0; k0 < etas.size();) {
      // Up to chunk_steps steps, ending at the next recorded step if one comes first.
      size_t k1 = std::min(etas.size(), k0 + chunk_steps);
      if (s < sink.count && sink.steps[s] > first + k0 && sink.steps[s] - first <= k1)
        k1 = static_cast<size_t>(sink.steps[s] - first);
      for (Eigen::Index c = 0; !early.empty() && c < W; ++c)
        for (size_t i = 0; i < (k1 - k0) * batch; ++i)
          drawn[i * max_interleave + static_cast<size_t>(c)]
            = early[(k0 * batch + i) * static_cast<size_t>(columns) + static_cast<size_t>(j0 + c)];
      for (Eigen::Index c = 0; early.empty() && c < W; ++c) { // each stream's draws in its order
        auto& rng = streams[j0 + c];
        const auto r = ranges[static_cast<size_t>(j0 + c)];
        uint64_t* column = drawn.data() + c;
        const size_t count = (k1 - k0) * batch;
        rng.below_many(r.count, count, column, max_interleave);
        for (size_t i = 0; i < count; ++i)
          column[i * max_interleave] += r.first;
      }
      b.etas = etas.data() + k0;
      b.steps = k1 - k0;
      kernels.linear_steps(b);
      if (s < sink.count && sink.steps[s] == first + k1) {
        for (Eigen::Index c = 0; c < W; ++c) {
          const double* xj = &x(0, j0 + c);
          std::copy(xj, xj + d, sink.out + (static_cast<Eigen::Index>(s) * columns + j0 + c) * d);
        }
        ++s;
      }
      k0 = k1;
    }
  }
}

} // namespace lsgd
