#include "numerics/quadratic_moments.hpp"

namespace lsgd {

std::vector<double> noisy_quadratic_expected_error(const Eigen::VectorXd& curvature,
                                                   double multiplicative_noise,
                                                   double additive_noise,
                                                   const Eigen::VectorXd& x0, uint64_t N,
                                                   const step_size& eta,
                                                   const comm_times& times) {
  const auto d = curvature.size();
  const double n = static_cast<double>(N);
  Eigen::ArrayXd S = x0.array().square(), C = S;
  auto error = [&] {
    return (0.5 * curvature.array() * (S + (n - 1) * C) / n).sum();
  };
  const uint64_t T = times.back();
  std::vector<double> out{error()};
  size_t next = 1;
  for (uint64_t t = 0; t < T; ++t) {
    const double e = eta(t);
    for (Eigen::Index i = 0; i < d; ++i) {
      const double a = curvature[i];
      const double contraction = (1 - e * a) * (1 - e * a);
      S[i] = S[i] * (contraction + e * e * a * a * multiplicative_noise * multiplicative_noise)
             + e * e * additive_noise * additive_noise;
      C[i] *= contraction;
    }
    if (next < times.size() && times[next] == t + 1) {
      S = C = (S + (n - 1) * C) / n;
      ++next;
    }
    out.push_back(error());
  }
  return out;
}

} // namespace lsgd
