// One reproducible random stream per (seed, repetition, worker id).
#pragma once

#include "numerics/generator_kind.hpp"

#include <Random123/philox.h>
#include <boost/random/normal_distribution.hpp>

#include <cstdint>
#include <limits>
#include <memory>

namespace lsgd {

/// A counter-based stream keyed by (seed, repetition, worker, incarnation), so
/// streams are independent by construction and need no seeding sequence. Its
/// whole state is the key and an exact position (position()/seek()), which is
/// all a checkpoint stores. Two generators (generator_kind):
///
/// philox4x64_ziggurat: Philox4x64-10 with key (seed, repetition << 32 |
/// worker) and counter (block, 0, 0, incarnation); normals by Boost.Random's
/// ziggurat (stateless). The words come out exactly as from Random123's
/// r123::Engine (counter incremented before use, each block of four read from
/// the last word down), without that adapter's per-call overhead. The position
/// counts 64-bit words.
///
/// philox4x32_boxmuller: Philox4x32-10 with key (seed mod 2^32, seed / 2^32)
/// and counter (b mod 2^32, incarnation << 16 | b / 2^32, repetition, worker)
/// for block b < 2^48 (incarnation < 2^16). The position counts half-blocks
/// ("slots"): slot 2b + i, i in {0, 1}, as a normal is z_i of Box-Muller on
/// block b (numerics/simd/lane_math.hpp), the same bits as the SIMD kernels
/// give for that slot. A 64-bit word takes a whole block, (w1 << 32 | w0),
/// starting at the next even slot, so no word shares bits with a normal.
class random_stream;

/// out[c] = streams[c].below(n[c]) for c < count: the same numbers and
/// positions after, the words of streams that stand at one block made in one
/// SIMD pass across them (a data objective's sync round draws one sample per
/// column: one stream's words at a time made 8 and used one).
void below_each(random_stream* streams, size_t count, const uint64_t* n, uint64_t* out);

class alignas(64) random_stream {
public:
  using result_type = uint64_t;

  random_stream() : random_stream(0, 0, 0) {
  }

  /// `incarnation` > 0 gives an independent stream for the same worker id
  /// (a replacement worker that takes over a lost id); it lives in the
  /// counter's top word, which the word-0 counting never reaches.
  random_stream(uint64_t seed, uint32_t repetition, uint32_t worker, uint32_t incarnation = 0,
                generator_kind kind = default_generator);

  generator_kind kind() const {
    return kind_;
  }

  static constexpr result_type min() {
    return 0;
  }
  static constexpr result_type max() {
    return std::numeric_limits<result_type>::max();
  }

  /// A uniform 64-bit word.
  result_type operator()() {
    return kind_ == generator_kind::philox4x64_ziggurat ? word64() : word32();
  }

  /// A standard normal draw.
  double normal() {
    if (kind_ == generator_kind::philox4x64_ziggurat) {
      legacy_words words{this};
      return normal_(words);
    }
    const uint64_t block = slot_ >> 1;
    if (!cache_.p || block - cache_.p->first >= cache_blocks)
      fill_normals(block);
    const uint64_t i = block - cache_.p->first;
    return (slot_++ & 1) ? cache_.p->z1[i] : cache_.p->z0[i];
  }

  /// Where this stream stands (words for philox4x64_ziggurat, slots for
  /// philox4x32_boxmuller): with the key, its whole state (the normal samplers
  /// keep none), so a checkpoint stores just this.
  uint64_t position() const {
    return kind_ == generator_kind::philox4x64_ziggurat ? 4 * counter_.v[0] - left_ : slot_;
  }

  /// Continues as if the stream had drawn up to `position`.
  void seek(uint64_t position) {
    if (kind_ == generator_kind::philox4x32_boxmuller) {
      seek32(position);
      return;
    }
    const uint64_t blocks = position / 4;
    const unsigned used = static_cast<unsigned>(position % 4);
    counter_.v[0] = blocks;
    left_ = 0;
    if (used > 0) {
      counter_.v[0] = blocks + 1;
      block_ = philox_(counter_, key_);
      left_ = 4 - used;
    }
  }

  /// A uniform integer in [0, n), n >= 1, exactly unbiased: Lemire's
  /// multiply-and-reject ("Fast random integer generation in an interval",
  /// 2019). The high word of x n is the draw; the few x whose low word falls
  /// below 2^64 mod n are rejected, so each value has the same number of x.
  uint64_t below(uint64_t n) {
    __extension__ using u128 = unsigned __int128;
    u128 m = u128{(*this)()} * n;
    auto low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n; // 2^64 mod n
      while (low < threshold) {
        m = u128{(*this)()} * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  /// out[i stride] = below(n) for i < count: the same numbers, the same
  /// position after, with philox4x32_boxmuller's words made by the SIMD kernel.
  void below_many(uint64_t n, size_t count, uint64_t* out, size_t stride);

  /// The Philox4x32 key and counter words of this stream (philox4x32_boxmuller),
  /// as numerics/simd/kernels.hpp's lane_streams takes them.
  struct lane_words {
    uint32_t key[2];
    uint64_t c1, c2, c3;
  };
  lane_words lane() const {
    return {{key32_[0], key32_[1]}, c1_, c2_, c3_};
  }

private:
  // Boost's sampler draws words through this, without the kind dispatch.
  struct legacy_words {
    using result_type = uint64_t;
    random_stream* s;
    static constexpr result_type min() {
      return 0;
    }
    static constexpr result_type max() {
      return std::numeric_limits<result_type>::max();
    }
    result_type operator()() {
      return s->word64();
    }
  };

  result_type word64() {
    if (left_ == 0) {
      counter_.incr();
      block_ = philox_(counter_, key_);
      left_ = 3;
      return block_.v[3];
    }
    return block_.v[--left_];
  }
  result_type word32();
  void fill_normals(uint64_t block);
  void seek32(uint64_t slot);

  // philox4x32_boxmuller's whole state first, in one cache line: a block's
  // streams are gathered into SIMD lanes (numerics/stream_lanes.hpp) field by
  // field, thousands of streams at a time.
  generator_kind kind_;
  // philox4x32_boxmuller: key, counter words 1-3, next slot.
  uint32_t key32_[2] = {0, 0};
  uint64_t c1_ = 0, c2_ = 0, c3_ = 0;
  uint64_t slot_ = 0;

  // philox4x64_ziggurat.
  using philox = r123::Philox4x64;
  philox philox_;
  philox::key_type key_;
  philox::ctr_type counter_{{0, 0, 0, 0}};
  philox::ctr_type block_{{0, 0, 0, 0}};
  unsigned left_ = 0; // words of block_ not yet returned
  boost::random::normal_distribution<double> normal_;

  // The normals of blocks first .. first + cache_blocks - 1, computed at once
  // by the SIMD kernel (the same bits as one at a time) for normal(). Made on
  // its first call: a block stepped in SIMD lanes never draws one by one, and
  // its thousands of streams stay small (192 bytes, not 448). A function of
  // the key and the position, so no part of the state: copies start without.
  static constexpr uint64_t cache_blocks = 16;
  struct normal_cache {
    uint64_t first;
    double z0[cache_blocks];
    double z1[cache_blocks];
  };
  struct cache_slot {
    std::unique_ptr<normal_cache> p;
    cache_slot() = default;
    cache_slot(const cache_slot&) {
    }
    cache_slot& operator=(const cache_slot&) {
      p.reset();
      return *this;
    }
    cache_slot(cache_slot&&) = default;
    cache_slot& operator=(cache_slot&&) = default;
  };
  cache_slot cache_;
};

} // namespace lsgd
