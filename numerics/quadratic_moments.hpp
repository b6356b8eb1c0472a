// The exact expected error of Local SGD on the noisy quadratic.
#pragma once

#include "numerics/schedule.hpp"
#include "numerics/step_size.hpp"

#include <Eigen/Core>

#include <vector>

namespace lsgd {

/// Experiment Q is linear in x given the noise, so the second moments of the
/// iterates follow a closed recursion. Per coordinate (curvature a, noise
/// levels s_m, s_a), with S = E[x_n^2] and C = E[x_n x_m] (n != m):
///   S' = S ((1 - eta a)^2 + (eta a s_m)^2) + (eta s_a)^2,  C' = C (1 - eta a)^2,
/// and averaging sets S = C = (S + (N - 1) C) / N. Returns E[F(xbar_t)] - F* =
/// sum_i (a_i/2) (S_i + (N - 1) C_i) / N for t = 0..T.
std::vector<double> noisy_quadratic_expected_error(const Eigen::VectorXd& curvature,
                                                   double multiplicative_noise,
                                                   double additive_noise,
                                                   const Eigen::VectorXd& x0, uint64_t N,
                                                   const step_size& eta,
                                                   const comm_times& times);

} // namespace lsgd
