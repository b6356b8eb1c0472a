// One reproducible random stream per (seed, repetition, worker id).
#pragma once

#include <Random123/conventional/Engine.hpp>
#include <Random123/philox.h>
#include <boost/random/normal_distribution.hpp>

#include <cstdint>

namespace lsgd {

/// A counter-based stream: Philox4x64-10 keyed by (seed, repetition, worker),
/// so streams are independent by construction and need no seeding sequence;
/// normal draws use Boost.Random's ziggurat sampler (stateless), so the whole
/// position of a stream is the engine's counter.
class random_stream {
public:
  using engine_type = r123::Engine<r123::Philox4x64>;

  random_stream() : random_stream(0, 0, 0) {
  }

  random_stream(uint64_t seed, uint32_t repetition, uint32_t worker) {
    engine_type::key_type key = {{seed, (uint64_t{repetition} << 32) | worker}};
    engine_.seed(key);
  }

  /// A standard normal draw.
  double normal() {
    return normal_(engine_);
  }

  /// A uniform 64-bit word.
  uint64_t bits() {
    return engine_();
  }

  const engine_type& engine() const {
    return engine_;
  }

private:
  engine_type engine_;
  boost::random::normal_distribution<double> normal_;
};

} // namespace lsgd
