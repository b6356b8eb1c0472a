#include "runtime/plan/memory_estimate.hpp"

#include "runtime/plan/run_plan.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace lsgd {

namespace {

constexpr double gb = 1e9;

std::string gigabytes(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g GB", bytes / gb);
  return text;
}

[[noreturn]] void refuse(const experiment_config& c, const memory_estimate& e, double limit) {
  throw config_error(c.file + ": the run would hold about " + gigabytes(e.total())
                     + " (records " + gigabytes(e.records) + ", models " + gigabytes(e.models)
                     + ", monitoring " + gigabytes(e.monitoring) + ") but the limit is "
                     + gigabytes(limit)
                     + " (runtime.memory_limit): lower T or repetitions, or raise record_every");
}

} // namespace

double memory_limit_bytes(const experiment_config& c) {
  if (c.runtime.memory_limit > 0)
    return c.runtime.memory_limit * gb;
  const double pages = static_cast<double>(::sysconf(_SC_PHYS_PAGES));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  return pages > 0 && page > 0 ? 0.8 * pages * page : 16 * gb;
}

memory_estimate check_memory(const run_plan& plan) {
  const auto& c = plan.config;
  memory_estimate e;
  const double d = static_cast<double>(plan.f->dimension());
  const uint64_t T = static_cast<uint64_t>(c.T), every = static_cast<uint64_t>(c.record_every);
  const double recorded = static_cast<double>(T / every + 1 + (T % every != 0 ? 1 : 0));
  // Recorded steps in (first, last], counted rather than listed.
  auto recorded_in = [&](uint64_t first, uint64_t last) {
    return last / every - first / every + (last == T && T % every != 0 ? 1 : 0);
  };
  // The longest run of recorded steps inside one round of each entry.
  std::vector<uint64_t> most(plan.entries.size(), 0);
  for (size_t i = 0; i < plan.entries.size(); ++i) {
    const auto& times = plan.entries[i].times;
    for (size_t r = 1; r < times.size(); ++r)
      most[i] = std::max(most[i], recorded_in(times[r - 1], times[r]));
  }
  // The batches in flight at once, largest first: the launcher's bound.
  const size_t in_flight = c.runtime.max_concurrent_runs > 0
                             ? static_cast<size_t>(c.runtime.max_concurrent_runs)
                             : 4 * size_t{plan.threads};
  std::vector<double> model_bytes, monitoring_bytes;
  for (const auto& b : plan.batches) {
    const auto& entry = plan.entries[b.entry];
    const double columns = static_cast<double>(b.reps) * entry.N;
    const double model = static_cast<double>(entry.local->model_size());
    // The workers' models, their messages the server holds until their turn
    // in the sum, and the averages.
    model_bytes.push_back(sizeof(double) * model * (2 * columns + b.reps));
    // The trace chunks in flight (see set_trace_chunks in actors/server.cpp):
    // about trace_chunk_mb, or two recorded steps of every column if one
    // step is larger, never more than a round's snapshots, held twice
    // (written by the workers, waiting at the server).
    const double step = sizeof(double) * d * columns;
    const double chunk = std::max(c.runtime.trace_chunk_mb * 1e6, 2 * step);
    monitoring_bytes.push_back(2 * std::min(step * static_cast<double>(most[b.entry]), chunk));
  }
  for (const auto& entry : plan.entries)
    e.records += static_cast<double>(entry.reps)
                 * (recorded * sizeof(double)
                    + static_cast<double>(entry.times.size()) * (3 * sizeof(double) + 4));
  auto largest = [in_flight](std::vector<double> xs) {
    std::sort(xs.rbegin(), xs.rend());
    double sum = 0;
    for (size_t i = 0; i < xs.size() && i < in_flight; ++i)
      sum += xs[i];
    return sum;
  };
  e.models = largest(model_bytes);
  e.monitoring = largest(monitoring_bytes);
  if (e.total() > memory_limit_bytes(c))
    refuse(c, e, memory_limit_bytes(c));
  return e;
}

} // namespace lsgd
