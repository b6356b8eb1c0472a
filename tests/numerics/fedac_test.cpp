#include "numerics/fedac.hpp"
#include "numerics/noisy_quadratic.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace lsgd;

TEST_CASE("FedAC parameters on experiment Q, computed by hand") {
  // mu = 1, L = 3, sigma = 0.5, x0 = (1, 1, 1): F(x0) = 3, |x0|^2 = 3;
  // N = 20, T = 1000, R = 5, H = 200.
  const fedac_problem q{1.0, 3.0, 0.5, 3.0, 3.0};
  // FedAC-I: phi0 = 4.5; min(360000, 1e9 * 4.5 / (3 * 200^2 * 0.25) = 150000);
  // c = ln(e + 150000)^2 = 142.048; eta = min(1/3, c / 5000) = 0.0284097;
  // gamma = max(sqrt(eta / 200), eta) = eta; alpha = 1/gamma; beta = alpha + 1.
  const auto one = fedac_choose(fedac_variant::I, q, 20, 1000, 5);
  CHECK(one.eta == doctest::Approx(0.02840969316322371));
  CHECK(one.gamma == doctest::Approx(0.02840969316322371));
  CHECK(one.alpha == doctest::Approx(35.19925379885827));
  CHECK(one.beta == doctest::Approx(36.19925379885827));
  // FedAC-II: phi0 = 3.5; min(280000, 1e12 * 3.5 / (9 * 200^3 * 0.25) = 194444.4);
  // c = 148.302; eta = min(1/3, 9c / 5000) = 0.266943; alpha = 1.5/gamma - 0.5;
  // beta = (2 alpha^2 - 1)/(alpha - 1).
  const auto two = fedac_choose(fedac_variant::II, q, 20, 1000, 5);
  CHECK(two.eta == doctest::Approx(0.26694293754650217));
  CHECK(two.gamma == doctest::Approx(0.26694293754650217));
  CHECK(two.alpha == doctest::Approx(5.119178442354168));
  CHECK(two.beta == doctest::Approx(12.481123740768227));
  // With many rounds (eta H < 1), gamma = sqrt(eta / (mu H)) wins over eta.
  const auto many = fedac_choose(fedac_variant::I, q, 20, 1000, 50);
  CHECK(many.gamma == doctest::Approx(std::sqrt(many.eta / 20.0)));
  CHECK(many.gamma > many.eta);
  CHECK_THROWS_AS(fedac_choose(fedac_variant::I, {1, 0.5, 1, 1, 1}, 2, 10, 2),
                  std::invalid_argument); // L < mu
}

TEST_CASE("FedAC update rule, one step by hand") {
  // No noise, F(x) = x^2 (curvature 2): g(x) = 2x.
  Eigen::VectorXd a(1);
  a << 2;
  auto f = std::make_shared<noisy_quadratic>(a, 0.0, 0.0);
  const fedac_parameters p{0.1, 0.2, 4.0, 5.0};
  fedac_block block(f, p, block_layout{1, 0, 2, 0, 1}); // 2 repetitions, 1 worker
  Eigen::MatrixXd start(2, 2);
  start << 1, -1, // w
    3, 0;         // w_ag
  block.load(start);
  block.advance(0, 1, snapshot_sink{});
  // Repetition 0: w_md = 1/5 + (4/5) 3 = 2.6, g = 5.2,
  // v_ag = 2.6 - 0.1 * 5.2 = 2.08, v = (3/4) 1 + 2.6/4 - 0.2 * 5.2 = 0.36.
  CHECK(block.models()(0, 0) == doctest::Approx(0.36));
  CHECK(block.models()(1, 0) == doctest::Approx(2.08));
  // Repetition 1: w_md = -0.2, g = -0.4, v_ag = -0.16, v = -0.75 - 0.05 + 0.08 = -0.72.
  CHECK(block.models()(0, 1) == doctest::Approx(-0.72));
  CHECK(block.models()(1, 1) == doctest::Approx(-0.16));
}

TEST_CASE("FedAC method: the model is (w, w_ag), both starting at x0") {
  Eigen::VectorXd a(2);
  a << 1, 2;
  auto f = std::make_shared<noisy_quadratic>(a, 1.0, 0.5);
  Eigen::VectorXd x0(2);
  x0 << 1, -2;
  fedac_method m(f, fedac_variant::II, {0.1, 0.2, 4.0, 5.0}, x0);
  CHECK(m.model_size() == 4);
  const auto init = m.initial_model();
  CHECK(init == (Eigen::VectorXd(4) << 1, -2, 1, -2).finished());
}
