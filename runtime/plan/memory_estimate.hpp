// What a run will hold in memory, estimated from its plan before any work,
// so that a config that cannot fit is refused with one line instead of
// failing after gigabytes were allocated.
#pragma once

#include <cstdint>
#include <string>

namespace lsgd {

struct experiment_config;
struct run_plan;

/// Bytes by what holds them.
struct memory_estimate {
  double records = 0;    // every run's trajectory and per-round records
  double models = 0;     // the batches in flight: workers', the server's, the averages
  double monitoring = 0; // trace chunks in flight (snapshots at recorded steps)
  double total() const {
    return records + models + monitoring;
  }
};

/// The limit in bytes: [runtime] memory_limit (GB), or 0.8 x this machine's memory.
double memory_limit_bytes(const experiment_config& c);

/// The estimate of a whole plan; throws config_error above the limit.
memory_estimate check_memory(const run_plan& plan);

} // namespace lsgd
