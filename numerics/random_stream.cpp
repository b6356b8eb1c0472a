// The philox4x32_boxmuller side of random_stream, on the plain scalar path.
#include "numerics/random_stream.hpp"

#include "numerics/simd/kernels.hpp"
#include "numerics/simd/lane_math.hpp"
#include "numerics/simd/scalar_lanes.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace lsgd {

namespace {

using lanes = simd::scalar_lanes;

// Blocks below 2^48: the counter's second word keeps 16 bits for the incarnation.
constexpr uint64_t block_limit = uint64_t{1} << 48;

simd::math::block_counter<lanes> counter_of(const random_stream::lane_words& w) {
  return {w.c1, w.c2, w.c3, w.key[0], w.key[1]};
}

void check_block(uint64_t block) {
  if (block >= block_limit)
    throw std::length_error("random_stream: position beyond 2^49 slots");
}

} // namespace

random_stream::random_stream(uint64_t seed, uint32_t repetition, uint32_t worker,
                             uint32_t incarnation, generator_kind kind)
  : kind_(kind),
    key32_{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)},
    c1_(uint64_t{incarnation} << 16),
    c2_(repetition),
    c3_(worker),
    key_{{seed, (uint64_t{repetition} << 32) | worker}},
    counter_{{0, 0, 0, incarnation}} {
  if (kind == generator_kind::philox4x32_boxmuller && incarnation >= (1u << 16))
    throw std::invalid_argument("random_stream: incarnation " + std::to_string(incarnation)
                                + " >= 2^16 for philox4x32-boxmuller");
}

void random_stream::fill_normals(uint64_t block) {
  check_block(block + cache_blocks - 1);
  const simd::lane_streams one{{key32_[0], key32_[1]}, &c1_, &c2_, &c3_, 0, 1};
  if (!cache_.p)
    cache_.p = std::make_unique<normal_cache>();
  simd::active_kernels().stream_normals(one, block, cache_blocks, cache_.p->z0, cache_.p->z1);
  cache_.p->first = block;
}

random_stream::result_type random_stream::word32() {
  const uint64_t block = (slot_ + 1) >> 1; // the next whole block
  check_block(block);
  uint64_t w0, w1, w2, w3;
  simd::math::philox_block<lanes>(counter_of(lane()), block, w0, w1, w2, w3);
  slot_ = 2 * block + 2;
  return (w1 << 32) | w0;
}

void random_stream::below_many(uint64_t n, size_t count, uint64_t* out, size_t stride) {
  __extension__ using u128 = unsigned __int128;
  constexpr size_t batch = 64; // words per kernel call
  uint64_t words[batch];
  size_t done = 0;
  while (done < count && kind_ == generator_kind::philox4x32_boxmuller) {
    const uint64_t block = (slot_ + 1) >> 1; // word32's next block
    const size_t m = std::min(batch, (count - done + 7) / 8 * 8);
    check_block(block + m - 1);
    const simd::lane_streams one{{key32_[0], key32_[1]}, &c1_, &c2_, &c3_, 0, 1};
    simd::active_kernels().stream_words(one, block, m, words);
    size_t used = 0;
    for (; used < m && done < count; ++used, ++done) {
      const u128 p = u128{words[used]} * n;
      if (static_cast<uint64_t>(p) < n) // a possible rejection: below() decides it
        break;
      out[done * stride] = static_cast<uint64_t>(p >> 64);
    }
    slot_ = 2 * (block + used);
    if (used < m && done < count)
      out[done++ * stride] = below(n);
  }
  for (; done < count; ++done)
    out[done * stride] = below(n);
}

void random_stream::seek32(uint64_t slot) {
  check_block(slot >> 1);
  slot_ = slot;
  if (cache_.p) // nothing cached (block - first >= cache_blocks for every block)
    cache_.p->first = ~uint64_t{0} - cache_blocks;
}

void below_each(random_stream* streams, size_t count, const uint64_t* n, uint64_t* out) {
  __extension__ using u128 = unsigned __int128;
  const auto& kernels = simd::active_kernels();
  constexpr size_t most = 64; // lanes per kernel call, a multiple of every width
  uint64_t c1[most], c2[most], c3[most], words[most];
  for (size_t first = 0; first < count; first += most) {
    const size_t m = std::min(most, count - first);
    random_stream* s = streams + first;
    const auto lane0 = s[0].lane(); // its key words: an array, not a pointer into a temporary
    const uint32_t key[2] = {lane0.key[0], lane0.key[1]};
    const uint64_t slot = s[0].position();
    const uint64_t block = (slot + 1) >> 1; // word32's next block
    bool together = block + 1 < block_limit;
    for (size_t c = 0; together && c < m; ++c) {
      const auto w = s[c].lane();
      together = s[c].kind() == generator_kind::philox4x32_boxmuller
                 && s[c].position() == slot && w.key[0] == key[0] && w.key[1] == key[1];
      c1[c] = w.c1;
      c2[c] = w.c2;
      c3[c] = w.c3;
    }
    if (!together) {
      for (size_t c = 0; c < m; ++c)
        out[first + c] = s[c].below(n[first + c]);
      continue;
    }
    const size_t lanes = (m + kernels.lane_multiple - 1) / kernels.lane_multiple
                         * kernels.lane_multiple;
    for (size_t c = m; c < lanes; ++c) { // padding: the first stream again
      c1[c] = c1[0];
      c2[c] = c2[0];
      c3[c] = c3[0];
    }
    kernels.lane_words({{key[0], key[1]}, c1, c2, c3, 0, lanes}, block, words);
    for (size_t c = 0; c < m; ++c) {
      const auto bound = n[first + c];
      const u128 p = u128{words[c]} * bound;
      if (static_cast<uint64_t>(p) < bound) { // a possible rejection: below() decides it
        out[first + c] = s[c].below(bound);   // from the same word, the stream unmoved
        continue;
      }
      out[first + c] = static_cast<uint64_t>(p >> 64);
      s[c].seek(2 * block + 2);
    }
  }
}

} // namespace lsgd
