// The injected faults of runtime/plan/fault_plan.hpp.
#include "runtime/plan/fault_plan.hpp"

#include "numerics/side_stream.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace lsgd {

namespace {

// A uniform in [0, 1) for (seed, rep, id, round).
double uniform(uint64_t seed, uint32_t rep, uint32_t id, uint32_t round) {
  return static_cast<double>(side_words(seed, faults_stream, rep, id, round).v[0] >> 11) * 0x1p-53;
}

std::string round_text(const char* what, uint32_t round) {
  return std::string(what) + " at round " + std::to_string(round);
}

} // namespace

fault_timeline plan_faults(const fault_injection& f, const fault_policy& policy, uint64_t seed,
                           uint32_t rep, uint32_t N, const comm_times& times,
                           const straggler_clock* clock) {
  fault_timeline out;
  const auto R = static_cast<uint32_t>(times.size() - 1);
  std::vector<bool> held(N, true);
  out.taking_part.push_back(held);
  out.missed_deadline.push_back(0);
  std::map<uint32_t, uint32_t> replacements_due; // round -> how many
  double slowest_step = 0; // of a completed round, as the server's deadline rule sees it
  for (uint32_t r = 1; r <= R; ++r) {
    // Replacements first: they take the lowest free ids, as the server gives them.
    if (auto due = replacements_due.find(r); due != replacements_due.end())
      for (uint32_t w = 0, left = due->second; w < N && left > 0; ++w)
        if (!held[w]) {
          held[w] = true;
          out.events.rejoins.push_back({r, w});
          --left;
        }
    std::vector<bool> lost(N, false);
    auto lose = [&](uint32_t w, std::string why) {
      if (!held[w] || lost[w])
        return;
      lost[w] = true;
      out.events.losses.push_back({r, w, std::move(why)});
    };
    for (size_t i = 0; i < f.lose_workers.size(); ++i)
      if (f.lose_rounds[i] == r && f.lose_workers[i] < N)
        lose(static_cast<uint32_t>(f.lose_workers[i]), round_text("injected loss", r));
    if (f.probability > 0)
      for (uint32_t w = 0; w < N; ++w)
        if (held[w] && uniform(seed, rep, w, r) < f.probability)
          lose(w, round_text("injected random loss", r));
    const uint64_t steps = times[r] - times[r - 1];
    double missed = 0;
    if (clock) {
      const double allowed = policy.allowed_seconds(steps, slowest_step);
      double longest = 0; // of those who make it
      uint32_t making_it = 0;
      for (uint32_t w = 0; w < N; ++w) {
        if (!held[w] || lost[w])
          continue;
        const double took = clock->step_seconds(w, r) * static_cast<double>(steps);
        if (took > allowed) {
          char why[96];
          std::snprintf(why, sizeof why, "missed the simulated deadline of round %u (%.3g s)", r,
                        allowed);
          lose(w, why);
          missed = allowed;
        } else {
          longest = std::max(longest, took);
          ++making_it;
        }
      }
      // The server closes the round when the last model is in (or at the deadline).
      const double elapsed = missed > 0 ? missed : longest + clock->communication_seconds(making_it);
      slowest_step = std::max(slowest_step, elapsed / static_cast<double>(steps));
    }
    uint32_t lost_now = 0;
    for (uint32_t w = 0; w < N; ++w)
      if (lost[w]) {
        held[w] = false;
        ++lost_now;
      }
    out.taking_part.push_back(held);
    out.missed_deadline.push_back(missed);
    if (std::none_of(held.begin(), held.end(), [](bool h) { return h; }))
      break; // the server fails this round: no worker is left
    if (lost_now > 0 && f.replace_after > 0 && r + f.replace_after <= R)
      replacements_due[static_cast<uint32_t>(r + f.replace_after)] += lost_now;
  }
  return out;
}

cluster_model resolved_cluster(const run_plan& plan) {
  auto m = *plan.config.cluster;
  if (m.bytes_per_model <= 0)
    m.bytes_per_model = 8.0 * static_cast<double>(plan.f->dimension());
  return m;
}

fault_timeline fault_timeline_of(const run_plan& plan, size_t entry, uint32_t rep) {
  const auto& c = plan.config;
  const auto& e = plan.entries[entry];
  if (!c.inject.stragglers || !c.cluster)
    return plan_faults(c.inject, c.faults, c.seed, rep, e.N, e.times);
  const auto m = resolved_cluster(plan);
  const straggler_clock clock{
    [m, seed = c.seed, rep, N = e.N](uint32_t w, uint32_t r) {
      return step_seconds(m, seed, rep, N, w, r);
    },
    [m](uint32_t n) { return communication_seconds(m, n); }};
  return plan_faults(c.inject, c.faults, c.seed, rep, e.N, e.times, &clock);
}

round_participation participation(const run_plan& plan, size_t entry, uint32_t rep) {
  if (!plan.config.inject.enabled)
    return {};
  const auto t = fault_timeline_of(plan, entry, rep);
  // The timeline counts rounds from 0 (the start), round_participation from 1.
  round_participation out;
  out.takes_part.assign(t.taking_part.begin() + 1, t.taking_part.end());
  out.deadline.assign(t.missed_deadline.begin() + 1, t.missed_deadline.end());
  return out;
}

} // namespace lsgd
