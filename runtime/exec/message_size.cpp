#include "runtime/exec/message_size.hpp"

#include "runtime/config/config_error.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace lsgd {

uint64_t message_limit() {
  constexpr uint64_t basp_payload = (uint64_t{1} << 32) - 1;
  constexpr uint64_t other_fields = uint64_t{64} << 20; // stream positions, ids, framing
  constexpr uint64_t limit = basp_payload - other_fields;
  if (const char* forced = std::getenv("LSGD_MESSAGE_LIMIT")) {
    char* end = nullptr;
    const auto v = std::strtoull(forced, &end, 10);
    if (end != forced && *end == '\0' && v > 0)
      return std::min<uint64_t>(v, limit);
  }
  return limit;
}

uint64_t id_bytes(const run_plan& plan, uint32_t reps) {
  return uint64_t{reps} * static_cast<uint64_t>(plan.f->dimension()) * sizeof(double);
}

uint32_t ids_per_actor(uint32_t ids, uint32_t threads, uint64_t bytes_per_id) {
  const uint32_t by_threads = (ids + std::max(threads, 1u) - 1) / std::max(threads, 1u);
  const uint64_t fit = std::max<uint64_t>(1, message_limit() / std::max<uint64_t>(bytes_per_id, 1));
  return static_cast<uint32_t>(std::min<uint64_t>(by_threads, fit));
}

void say_if_split(uint32_t ids, uint32_t per_actor, uint32_t threads) {
  const uint32_t actors = (ids + per_actor - 1) / per_actor;
  if (actors <= threads)
    return;
  std::fprintf(stderr,
               "localsgd: %u worker ids in %u actors of at most %u ids (not one per thread), "
               "so that no model message is over %.3g GB\n",
               ids, actors, per_actor, static_cast<double>(message_limit()) / 1e9);
}

void check_message_sizes(const run_plan& plan) {
  for (const auto& batch : plan.batches) {
    const auto bytes = id_bytes(plan, batch.reps);
    if (bytes <= message_limit())
      continue;
    std::ostringstream why;
    why << "a model of d = " << plan.f->dimension() << " for " << batch.reps
        << " repetitions is " << static_cast<double>(bytes) / 1e9
        << " GB, more than one message between processes carries ("
        << static_cast<double>(message_limit()) / 1e9
        << " GB, CAF's 32-bit frame length): serve fewer repetitions at a time"
           " (repetitions, or [runtime] repetitions_per_actor for a whole sweep)";
    throw config_error(why.str());
  }
}

} // namespace lsgd
