#include "numerics/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace lsgd {

mean_se summarize(const std::vector<double>& values) {
  mean_se result;
  const auto n = values.size();
  if (n == 0) {
    result.mean = result.se = std::numeric_limits<double>::quiet_NaN();
    return result;
  }
  double sum = 0;
  for (double v : values)
    sum += v;
  result.mean = sum / double(n);
  if (n < 2) {
    result.se = std::numeric_limits<double>::quiet_NaN();
    return result;
  }
  double squares = 0;
  for (double v : values)
    squares += (v - result.mean) * (v - result.mean);
  result.se = std::sqrt(squares / double(n - 1) / double(n));
  return result;
}

std::vector<mean_se> summarize_columns(const std::vector<const double*>& rows, size_t length) {
  std::vector<mean_se> out(length);
  const auto n = rows.size();
  if (n == 0) {
    for (auto& x : out)
      x.mean = x.se = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  std::vector<double> sums(length, 0.0), squares(length, 0.0);
  for (const double* row : rows)
    for (size_t k = 0; k < length; ++k)
      sums[k] += row[k];
  for (size_t k = 0; k < length; ++k)
    out[k].mean = sums[k] / double(n);
  if (n < 2) {
    for (auto& x : out)
      x.se = std::numeric_limits<double>::quiet_NaN();
    return out;
  }
  for (const double* row : rows)
    for (size_t k = 0; k < length; ++k)
      squares[k] += (row[k] - out[k].mean) * (row[k] - out[k].mean);
  for (size_t k = 0; k < length; ++k)
    out[k].se = std::sqrt(squares[k] / double(n - 1) / double(n));
  return out;
}

double median(std::vector<double> values) {
  if (values.empty())
    return std::numeric_limits<double>::quiet_NaN();
  const auto mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  double upper = values[mid];
  if (values.size() % 2 == 1)
    return upper;
  double lower = *std::max_element(values.begin(), values.begin() + mid);
  return 0.5 * (lower + upper);
}

mean_se ratio(const mean_se& a, const mean_se& b) {
  mean_se r;
  r.mean = a.mean / b.mean;
  r.se = std::abs(r.mean)
              * std::sqrt(std::pow(a.se / a.mean, 2) + std::pow(b.se / b.mean, 2));
  return r;
}

} // namespace lsgd
