// The chunks of a chain round that reach a block before it is routed for that
// round (the block before may get its route first, or send over a faster
// path), kept with their sender until the route comes. Bounded, so that a
// peer cannot make a block hold more than a round's worth. No CAF actors.
#pragma once

#include <caf/actor_addr.hpp>

#include <cstddef>
#include <utility>
#include <vector>

namespace lsgd {

template <class Chunk>
class early_chunks {
public:
  struct kept {
    Chunk chunk;
    caf::actor_addr sender;
  };

  /// Holds at most `most` chunks.
  explicit early_chunks(size_t most = 1) : most_(most) {}

  /// Keeps `c` from `sender`; false (and not kept) if `most` are held.
  bool keep(Chunk c, const caf::actor_addr& sender) {
    if (kept_.size() >= most_)
      return false;
    kept_.push_back({std::move(c), sender});
    return true;
  }

  /// The chunks kept, in the order they came; none are held afterwards.
  std::vector<kept> take() { return std::exchange(kept_, {}); }

private:
  size_t most_;
  std::vector<kept> kept_;
};

} // namespace lsgd
