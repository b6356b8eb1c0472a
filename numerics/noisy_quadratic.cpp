#include "numerics/noisy_quadratic.hpp"
#include "numerics/quadratic_moments.hpp"

#include "numerics/stream_set.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace lsgd {

noisy_quadratic::noisy_quadratic(vector curvature, double multiplicative_noise,
                                 double additive_noise)
  : curvature_(std::move(curvature)),
    multiplicative_noise_(multiplicative_noise),
    additive_noise_(additive_noise) {
  if (curvature_.size() < 1)
    throw std::invalid_argument("noisy_quadratic: dimension must be >= 1");
  if ((curvature_.array() <= 0).any())
    throw std::invalid_argument("noisy_quadratic: curvature must be > 0");
  if (multiplicative_noise_ < 0 || additive_noise_ < 0)
    throw std::invalid_argument("noisy_quadratic: noise levels must be >= 0");
}

double noisy_quadratic::value(const const_vector_ref& x) const {
  return 0.5 * (curvature_.array() * x.array().square()).sum();
}

void noisy_quadratic::sample_gradients(const const_matrix_ref& x,
                                       random_stream* streams,
                                       Eigen::Ref<matrix> g) const {
  const auto d = dimension();
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    auto& rng = streams[j];
    for (Eigen::Index i = 0; i < d; ++i) {
      const double z1 = rng.normal();
      const double z2 = rng.normal();
      g(i, j) = curvature_[i] * x(i, j) * (1.0 + multiplicative_noise_ * z1)
                + additive_noise_ * z2;
    }
  }
}

void noisy_quadratic::sgd_steps(Eigen::Ref<matrix> x, stream_set& streams,
                                const step_size& eta, uint64_t first, uint64_t last,
                                const snapshot_sink& sink) const {
  const auto& kernels = simd::active_kernels();
  const auto columns = x.cols();
  const auto d = dimension();
  const auto* gathered = streams.lanes(kernels.lane_multiple);
  if (!gathered || gathered->slot() % 2 != 0) {
    sgd_steps_by_column(x, streams.columns().data(), eta, first, last, sink);
    return;
  }
  const auto& lanes = *gathered;
  // All columns at once in SIMD lanes, coordinate-major: xs[i * L + j], for
  // coordinates i0 .. i0 + n - 1 at a time. Coordinate i of step k draws its
  // two normals at slot0 + 2 (k d + i): a pass over fewer coordinates than d
  // starts its lanes there, every step, and draws exactly what one pass over
  // all of them would.
  const auto etas = eta.table(first, last);
  const auto L = static_cast<Eigen::Index>(lanes.lanes());
  const uint64_t slot0 = lanes.slot();
  const auto per_pass = std::min(d, coordinates_per_pass);
  std::vector<double> xs(static_cast<size_t>(per_pass * L), 0.0);
  for (Eigen::Index i0 = 0; i0 < d; i0 += per_pass) {
    const auto n = std::min(per_pass, d - i0);
    for (Eigen::Index j = 0; j < columns; ++j)
      for (Eigen::Index i = 0; i < n; ++i)
        xs[static_cast<size_t>(i * L + j)] = x(i0 + i, j);
    for_segments(
      sink, first, last,
      [&](uint64_t a, uint64_t b) {
        const auto at = [&](uint64_t k) {
          return slot0 + 2 * (static_cast<uint64_t>(d) * (k - first) + static_cast<uint64_t>(i0));
        };
        if (n == d) { // one pass: the steps' slots follow each other
          kernels.noisy(lanes.at(at(a)), xs.data(), static_cast<size_t>(n), curvature_.data(),
                        etas.data() + (a - first), b - a, multiplicative_noise_, additive_noise_);
          return;
        }
        for (uint64_t k = a; k < b; ++k)
          kernels.noisy(lanes.at(at(k)), xs.data(), static_cast<size_t>(n),
                        curvature_.data() + i0, etas.data() + (k - first), 1,
                        multiplicative_noise_, additive_noise_);
      },
      [&](size_t s) {
        double* out = sink.out + static_cast<Eigen::Index>(s) * columns * d + i0;
        for (Eigen::Index j = 0; j < columns; ++j)
          for (Eigen::Index i = 0; i < n; ++i)
            out[j * d + i] = xs[static_cast<size_t>(i * L + j)];
      });
    for (Eigen::Index j = 0; j < columns; ++j)
      for (Eigen::Index i = 0; i < n; ++i)
        x(i0 + i, j) = xs[static_cast<size_t>(i * L + j)];
  }
  streams.lanes_moved_to(slot0 + 2 * static_cast<uint64_t>(d) * (last - first));
}

void noisy_quadratic::sgd_steps_by_column(Eigen::Ref<matrix> x, random_stream* streams,
                                          const step_size& eta, uint64_t first,
                                          uint64_t last, const snapshot_sink& sink) const {
  const auto etas = eta.table(first, last);
  const auto d = dimension();
  const auto columns = x.cols();
  for (Eigen::Index j = 0; j < columns; ++j) {
    auto& rng = streams[j];
    double* xj = &x(0, j);
    size_t s = 0;
    for (size_t k = 0; k < etas.size(); ++k) {
      const double e = etas[k];
      for (Eigen::Index i = 0; i < d; ++i) {
        const double z1 = rng.normal();
        const double z2 = rng.normal();
        const double g = curvature_[i] * xj[i] * (1.0 + multiplicative_noise_ * z1)
                         + additive_noise_ * z2;
        xj[i] = xj[i] - e * g;
      }
      if (s < sink.count && sink.steps[s] == first + k + 1) {
        double* out = sink.out + (static_cast<Eigen::Index>(s) * columns + j) * d;
        for (Eigen::Index i = 0; i < d; ++i)
          out[i] = xj[i];
        ++s;
      }
    }
  }
}

std::string noisy_quadratic::describe() const {
  std::ostringstream out;
  out << "noisy quadratic, d = " << dimension()
      << ", multiplicative noise " << multiplicative_noise_
      << ", additive noise " << additive_noise_;
  return out.str();
}

objective_constants noisy_quadratic::constants() const {
  return {curvature_.minCoeff(), curvature_.maxCoeff(), additive_noise_};
}

std::vector<double> noisy_quadratic::expected_sgd_errors(const const_vector_ref& x0, uint64_t N,
                                                         const step_size& eta,
                                                         const std::vector<uint64_t>& times) const {
  return noisy_quadratic_expected_error(curvature_, multiplicative_noise_, additive_noise_, x0,
                                        N, eta, times);
}

} // namespace lsgd
