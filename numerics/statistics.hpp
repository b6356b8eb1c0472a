// Summary statistics over repetitions.
#pragma once

#include <cstddef>
#include <vector>

namespace lsgd {

/// Mean and standard error of the mean of a sample, accumulated in order.
struct mean_se {
  double mean = 0;
  double se = 0; // standard error; NaN for fewer than two values
};

/// The sample mean and its standard error s/sqrt(n), s with n - 1.
mean_se summarize(const std::vector<double>& values);

/// summarize() of every column of a table given as rows of `length` values:
/// the same arithmetic, column by column, without copying the columns.
std::vector<mean_se> summarize_columns(const std::vector<const double*>& rows, size_t length);

/// The median (mean of the two middle values for an even count).
double median(std::vector<double> values);

/// r = a / b and its standard error by the delta method, treating a and b as
/// independent: se(r) = |r| sqrt((se_a/a)^2 + (se_b/b)^2).
mean_se ratio(const mean_se& a, const mean_se& b);

} // namespace lsgd
