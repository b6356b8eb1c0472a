#include "numerics/paired.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>

namespace lsgd {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// The pairs where both sides are finite.
struct finite_pairs {
  std::vector<double> a, b;
  size_t left_out = 0;
};

finite_pairs keep_finite(const std::vector<double>& a, const std::vector<double>& b) {
  finite_pairs out;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (std::isfinite(a[i]) && std::isfinite(b[i])) {
      out.a.push_back(a[i]);
      out.b.push_back(b[i]);
    } else {
      ++out.left_out;
    }
  return out;
}

double mean(const std::vector<double>& x) {
  double sum = 0;
  for (double v : x)
    sum += v;
  return x.empty() ? nan : sum / double(x.size());
}

// The sample variance (n - 1); NaN for fewer than two values.
double variance(const std::vector<double>& x) {
  if (x.size() < 2)
    return nan;
  const double m = mean(x);
  double squares = 0;
  for (double v : x)
    squares += (v - m) * (v - m);
  return squares / double(x.size() - 1);
}

interval_estimate with_interval(double value, double se, double level, double df) {
  const double half = t_quantile(level, df) * se;
  return {value, se, value - half, value + half};
}

// value -+ t se over the residuals z (n - 1 degrees of freedom).
interval_estimate from_residuals(double value, const std::vector<double>& z, double level) {
  const double n = double(z.size());
  return with_interval(value, std::sqrt(variance(z) / n), level, n - 1);
}

// The ratio mean(num) / mean(den) with the paired delta-method error.
interval_estimate paired_ratio(const std::vector<double>& num, const std::vector<double>& den,
                               double level) {
  const double r = mean(num) / mean(den);
  std::vector<double> z;
  for (size_t i = 0; i < num.size(); ++i)
    z.push_back((num[i] - r * den[i]) / mean(den));
  return from_residuals(r, z, level);
}

} // namespace

double t_quantile(double level, double df) {
  if (!(df >= 1) || !(level > 0 && level < 1))
    return nan;
  const boost::math::students_t t(df);
  return boost::math::quantile(boost::math::complement(t, (1 - level) / 2));
}

paired_comparison compare_paired(const std::vector<double>& a, const std::vector<double>& b,
                                 double level) {
  const auto p = keep_finite(a, b);
  paired_comparison out;
  out.pairs = p.a.size();
  out.left_out = p.left_out;
  out.level = level;
  std::vector<double> d;
  for (size_t i = 0; i < p.a.size(); ++i)
    d.push_back(p.a[i] - p.b[i]);
  out.difference = from_residuals(mean(d), d, level);
  out.ratio = paired_ratio(p.a, p.b, level);
  return out;
}

paired_comparison compare_speedups(const mean_se& s1, size_t s1_runs,
                                   const std::vector<double>& a, const std::vector<double>& b,
                                   double level) {
  const auto p = keep_finite(a, b);
  paired_comparison out;
  out.pairs = p.a.size();
  out.left_out = p.left_out;
  out.level = level;
  const double am = mean(p.a), bm = mean(p.b), n = double(p.a.size());
  const double g = 1 / am - 1 / bm;
  std::vector<double> z;
  for (size_t i = 0; i < p.a.size(); ++i)
    z.push_back(s1.mean * ((p.b[i] - bm) / (bm * bm) - (p.a[i] - am) / (am * am)));
  const double v1 = g * g * s1.se * s1.se; // s1's part
  const double v2 = variance(z) / n;       // the pairs' part
  const double df1 = double(s1_runs) - 1, df2 = n - 1;
  const double df = v1 == 0 ? df2 : (v1 + v2) * (v1 + v2) / (v1 * v1 / df1 + v2 * v2 / df2);
  out.difference = with_interval(s1.mean * g, std::sqrt(v1 + v2), level, df);
  out.ratio = paired_ratio(p.b, p.a, level);
  return out;
}

} // namespace lsgd
