#include "numerics/linear_sgd.hpp"

#include <algorithm>

namespace lsgd {

void linear_sgd_steps(const finite_sum& f, uint32_t batch, const std::vector<sample_range>& ranges,
                      Eigen::Ref<matrix> x, random_stream* streams, const std::vector<double>& etas,
                      uint64_t first, const snapshot_sink& sink, Eigen::Index interleave) {
  const auto& A = f.data().features;
  const auto& y = f.data().labels;
  const auto d = x.rows(), columns = x.cols();
  const double inv_batch = 1.0 / batch, lambda = f.lambda();
  std::vector<double> g(static_cast<size_t>(d * interleave));
  for (Eigen::Index j0 = 0; j0 < columns; j0 += interleave) {
    const auto W = std::min(interleave, columns - j0);
    size_t s = 0;
    for (size_t k = 0; k < etas.size(); ++k) {
      const double e = etas[k];
      for (Eigen::Index c = 0; c < W; ++c) {
        const auto j = j0 + c;
        const double* xj = &x(0, j);
        double* gc = g.data() + c * d;
        std::fill(gc, gc + d, 0.0);
        const auto r = ranges[static_cast<size_t>(j)];
        for (uint32_t b = 0; b < batch; ++b) {
          const auto i = static_cast<Eigen::Index>(r.first + streams[j].below(r.count));
          const double* a = A.col(i).data();
          double z = 0;
          for (Eigen::Index q = 0; q < d; ++q)
            z += a[q] * xj[q];
          const double res = f.residual(z, y[i]);
          for (Eigen::Index q = 0; q < d; ++q)
            gc[q] += res * a[q];
        }
      }
      for (Eigen::Index c = 0; c < W; ++c) {
        double* xj = &x(0, j0 + c);
        const double* gc = g.data() + c * d;
        for (Eigen::Index q = 0; q < d; ++q)
          xj[q] = xj[q] - e * (gc[q] * inv_batch + lambda * xj[q]);
      }
      if (s < sink.count && sink.steps[s] == first + k + 1) {
        for (Eigen::Index c = 0; c < W; ++c) {
          const double* xj = &x(0, j0 + c);
          std::copy(xj, xj + d, sink.out + (static_cast<Eigen::Index>(s) * columns + j0 + c) * d);
        }
        ++s;
      }
    }
  }
}

} // namespace lsgd
