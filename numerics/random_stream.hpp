// One reproducible random stream per (seed, repetition, worker id).
#pragma once

#include <Random123/philox.h>
#include <boost/random/normal_distribution.hpp>

#include <cstdint>
#include <limits>

namespace lsgd {

/// A counter-based stream: Philox4x64-10 keyed by (seed, repetition, worker),
/// so streams are independent by construction and need no seeding sequence;
/// normal draws use Boost.Random's ziggurat sampler (stateless), so the whole
/// position of a stream is its counter and the place in its last block.
///
/// The words come out exactly as from Random123's r123::Engine (counter
/// incremented before use, each block of four read from the last word down),
/// without that adapter's per-call overhead, which was a quarter of the cost
/// of an SGD step on a 1-D objective.
class random_stream {
public:
  using result_type = uint64_t;

  random_stream() : random_stream(0, 0, 0) {
  }

  /// `incarnation` > 0 gives an independent stream for the same worker id
  /// (a replacement worker that takes over a lost id); it lives in the
  /// counter's top word, which the word-0 counting never reaches.
  random_stream(uint64_t seed, uint32_t repetition, uint32_t worker, uint32_t incarnation = 0)
    : key_{{seed, (uint64_t{repetition} << 32) | worker}},
      counter_{{0, 0, 0, incarnation}} {
  }

  static constexpr result_type min() {
    return 0;
  }
  static constexpr result_type max() {
    return std::numeric_limits<result_type>::max();
  }

  /// A uniform 64-bit word.
  result_type operator()() {
    if (left_ == 0) {
      counter_.incr();
      block_ = philox_(counter_, key_);
      left_ = 3;
      return block_.v[3];
    }
    return block_.v[--left_];
  }

  /// A standard normal draw.
  double normal() {
    return normal_(*this);
  }

  /// How many words this stream has produced: with the key, its whole state
  /// (the normal sampler keeps none), so a checkpoint stores just this.
  uint64_t position() const {
    return 4 * counter_.v[0] - left_;
  }

  /// Continues as if `position` words had been drawn.
  void seek(uint64_t position) {
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

private:
  using philox = r123::Philox4x64;
  philox philox_;
  philox::key_type key_;
  philox::ctr_type counter_{{0, 0, 0, 0}};
  philox::ctr_type block_{{0, 0, 0, 0}};
  unsigned left_ = 0; // words of block_ not yet returned
  boost::random::normal_distribution<double> normal_;
};

} // namespace lsgd
