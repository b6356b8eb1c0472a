#include "numerics/averaging.hpp"
#include "numerics/quadratic_moments.hpp"
#include "numerics/record_plan.hpp"
#include "numerics/statistics.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace lsgd;

TEST_CASE("average_columns sums in column order") {
  Eigen::MatrixXd m(2, 3);
  m << 1, 2, 3, 1e16, 1, -1e16;
  Eigen::VectorXd out;
  average_columns(m, out);
  CHECK(out[0] == 2);
  // ((1e16 + 1) - 1e16) / 3 = 0 in double: the order is part of the contract.
  CHECK(out[1] == 0);
}

TEST_CASE("average_column_groups averages each group like average_columns") {
  Eigen::MatrixXd m = Eigen::MatrixXd::Random(3, 12);
  Eigen::MatrixXd out(3, 4);
  average_column_groups(m, 3, out);
  Eigen::VectorXd one;
  for (Eigen::Index g = 0; g < 4; ++g) {
    average_columns(m.middleCols(g * 3, 3), one);
    CHECK(out.col(g) == one);
  }
  CHECK_THROWS_AS(average_column_groups(m, 5, out), std::invalid_argument);
}

TEST_CASE("average_column_groups_where: all included is exact, a subset skips columns") {
  Eigen::MatrixXd m = Eigen::MatrixXd::Random(3, 12);
  Eigen::MatrixXd all(3, 4), where(3, 4);
  average_column_groups(m, 3, all);
  average_column_groups_where(m, {true, true, true}, where);
  CHECK(where == all); // bit for bit
  average_column_groups_where(m, {true, false, true}, where);
  for (Eigen::Index g = 0; g < 4; ++g) {
    Eigen::VectorXd expected = (m.col(3 * g) + m.col(3 * g + 2)) / 2.0;
    CHECK(where.col(g) == expected);
  }
  CHECK_THROWS_AS(average_column_groups_where(m, {false, false, false}, where),
                  std::invalid_argument);
  CHECK_THROWS_AS(average_column_groups_where(m, {true, true}, where), std::invalid_argument);
}

TEST_CASE("record plan") {
  record_plan every(10, 3);
  CHECK(every.steps() == std::vector<uint64_t>{0, 3, 6, 9, 10});
  CHECK(every.index_of(9) == 3);
  CHECK(every.index_of(10) == 4);
  CHECK(every.steps_in(0, 4) == std::vector<uint64_t>{3});
  CHECK(every.steps_in(4, 6) == std::vector<uint64_t>{6});
  CHECK(every.steps_in(6, 10) == std::vector<uint64_t>{9, 10});
  CHECK(every.steps_in(3, 5).empty());
  record_plan dense(4, 1);
  CHECK(dense.steps_in(0, 4) == std::vector<uint64_t>{1, 2, 3, 4});
  CHECK(dense.index_of(4) == 4);
}

TEST_CASE("statistics") {
  auto s = summarize({1, 2, 3, 4});
  CHECK(s.mean == 2.5);
  CHECK(s.se == doctest::Approx(std::sqrt(5.0 / 3 / 4)));
  CHECK(std::isnan(summarize({1}).se));
  const std::vector<double> a{1, 5, 9}, b{2, 6, 10}, c{4, 7, 20};
  const auto columns = summarize_columns({a.data(), b.data(), c.data()}, 3);
  for (size_t k = 0; k < 3; ++k) {
    const auto direct = summarize({a[k], b[k], c[k]});
    CHECK(columns[k].mean == direct.mean);
    CHECK(columns[k].se == direct.se);
  }
  CHECK(median({3, 1, 2}) == 2);
  CHECK(median({4, 1, 3, 2}) == 2.5);
  auto r = ratio({10, 1}, {5, 0.5});
  CHECK(r.mean == 2);
  CHECK(r.se == doctest::Approx(2 * std::sqrt(0.01 + 0.01)));
}

TEST_CASE("exact moments of experiment Q reproduce the paper's values") {
  Eigen::VectorXd a(3), x0 = Eigen::VectorXd::Ones(3);
  a << 1, 2, 3;
  const auto eta = step_size::inverse_time(3, 1, 1);
  auto final_error = [&](const comm_times& t) {
    return noisy_quadratic_expected_error(a, 1, 0.5, x0, 20, eta, t).back();
  };
  // paper.md: increasing 3.154e-5, one-shot 3.159e-5, synchronous 3.149e-5.
  CHECK(final_error(schedules::increasing(1000, 20)) == doctest::Approx(3.154e-5).epsilon(1e-3));
  CHECK(final_error(schedules::one_shot(1000)) == doctest::Approx(3.159e-5).epsilon(1e-3));
  CHECK(final_error(schedules::synchronous(1000)) == doctest::Approx(3.149e-5).epsilon(1e-3));
  // With one worker averaging changes nothing, whatever the schedule.
  const auto one = noisy_quadratic_expected_error(a, 1, 0.5, x0, 1, eta, schedules::one_shot(50));
  const auto sync = noisy_quadratic_expected_error(a, 1, 0.5, x0, 1, eta, schedules::synchronous(50));
  CHECK(one == sync);
}
