// The simulated cluster time of numerics/cluster_time.hpp.
#include "numerics/cluster_time.hpp"

#include "numerics/portable_math.hpp"
#include "numerics/side_stream.hpp"

#include <algorithm>
#include <cmath>

namespace lsgd {

namespace {

// A standard normal for (seed, rep, worker, round), by Box-Muller, with the
// same bits on every machine (numerics/portable_math.hpp).
double normal(uint64_t seed, uint32_t rep, uint32_t worker, uint64_t round) {
  const auto w = side_words(seed, cluster_stream, rep, worker, round);
  const double u1 = (static_cast<double>(w.v[0] >> 11) + 1) * 0x1p-53; // (0, 1]
  const double u2 = static_cast<double>(w.v[1] >> 11) * 0x1p-53;       // [0, 1)
  return std::sqrt(-2 * portable_log(u1)) * portable_cos_2pi(u2);
}

bool takes_part(const round_participation& p, uint64_t r, uint32_t n) {
  return r > p.takes_part.size() || p.takes_part[r - 1].empty() || p.takes_part[r - 1][n];
}

// Seconds of round r's first `steps` local steps: its slowest worker taking
// part, or the deadline if that one misses it.
double compute_seconds(const cluster_model& m, uint64_t seed, uint32_t rep, uint32_t N,
                       uint64_t r, uint64_t steps, const round_participation& p) {
  double s = 0;
  for (uint32_t n = 0; n < N; ++n)
    if (takes_part(p, r, n))
      s = std::max(s, step_seconds(m, seed, rep, N, n, r));
  const double t = s * double(steps);
  const double deadline = r <= p.deadline.size() ? p.deadline[r - 1] : 0;
  return deadline > 0 ? std::min(t, deadline) : t;
}

uint32_t taking_part(const round_participation& p, uint64_t r, uint32_t N) {
  uint32_t k = 0;
  for (uint32_t n = 0; n < N; ++n)
    k += takes_part(p, r, n) ? 1 : 0;
  return k;
}

} // namespace

double communication_seconds(const cluster_model& m, uint32_t N) {
  const double B = m.bytes_per_model, W = m.bandwidth, L = m.latency;
  return m.shape == reduction_shape::star ? 2 * (L + N * B / W) : 2 * (N * L + B / W);
}

double step_seconds(const cluster_model& m, uint64_t seed, uint32_t rep, uint32_t N,
                    uint32_t worker, uint64_t round) {
  double s = m.step_seconds;
  if (m.spread > 0)
    s *= portable_exp(m.spread * normal(seed, rep, worker, round) - m.spread * m.spread / 2);
  const auto slow = static_cast<uint32_t>(std::ceil(m.slow_fraction * N));
  return worker < slow ? s * m.slow_factor : s;
}

std::vector<double> round_end_seconds(const cluster_model& m, uint64_t seed, uint32_t rep,
                                      uint32_t N, const std::vector<uint64_t>& round_steps,
                                      const round_participation& p) {
  std::vector<double> out(round_steps.size(), 0.0);
  for (size_t r = 1; r < round_steps.size(); ++r)
    out[r] = out[r - 1]
             + compute_seconds(m, seed, rep, N, r, round_steps[r] - round_steps[r - 1], p)
             + communication_seconds(m, taking_part(p, r, N));
  return out;
}

std::vector<double> step_times(const cluster_model& m, uint64_t seed, uint32_t rep,
                               uint32_t N, const std::vector<uint64_t>& round_steps,
                               const std::vector<uint64_t>& steps,
                               const round_participation& p) {
  const auto ends = round_end_seconds(m, seed, rep, N, round_steps, p);
  std::vector<double> out;
  out.reserve(steps.size());
  size_t r = 1;
  for (auto t : steps) {
    while (r + 1 < round_steps.size() && round_steps[r] < t)
      ++r;
    if (t == 0 || round_steps.size() < 2) {
      out.push_back(0);
      continue;
    }
    out.push_back(ends[r - 1] + compute_seconds(m, seed, rep, N, r, t - round_steps[r - 1], p));
  }
  return out;
}

} // namespace lsgd
