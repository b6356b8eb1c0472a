#include "numerics/noisy_quadratic.hpp"
#include "numerics/quadratic_moments.hpp"

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

void noisy_quadratic::sgd_steps(Eigen::Ref<matrix> x, random_stream* streams,
                                const step_size& eta, uint64_t first, uint64_t last,
                                const snapshot_sink& sink) const {
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
