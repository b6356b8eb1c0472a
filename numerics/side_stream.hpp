// Random words that stand beside the SGD streams: the simulated cluster's step
// times and the injected faults draw from Philox4x64-10 keyed by (seed, a tag
// word), so adding them never moves an SGD number.
#pragma once

#include <Random123/philox.h>

#include <cstdint>

namespace lsgd {

/// Tags are 8 ASCII letters. The SGD streams' key word 1 (repetition << 32 |
/// worker, both < 2^20) has bits 20-31 zero, a tag does not, so they never meet.
constexpr uint64_t cluster_stream = 0x636c75737465722eULL; // "cluster."
constexpr uint64_t faults_stream = 0x6661756c74732e2eULL;  // "faults.."

/// The four words of stream `tag` at counter (rep, worker, round, 0).
inline r123::Philox4x64::ctr_type side_words(uint64_t seed, uint64_t tag, uint32_t rep,
                                             uint32_t worker, uint64_t round) {
  r123::Philox4x64 philox;
  return philox(r123::Philox4x64::ctr_type{{rep, worker, round, 0}},
                r123::Philox4x64::key_type{{seed, tag}});
}

} // namespace lsgd
