// Which block of workers owns which worker ids: ids handed out lowest free
// run first, freed when a block is lost, with incarnations that give a lost
// id's replacement fresh random streams. No CAF: blocks are indices.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace lsgd {

class membership {
public:
  struct block {
    uint32_t first = 0;
    uint32_t count = 0;
    bool lost = false;
  };

  /// N worker ids, none owned, every incarnation 0.
  explicit membership(uint32_t workers = 0);

  /// The first id of a new block of `count` consecutive ids: the lowest free
  /// id, if the free run starting there is long enough; none otherwise (and
  /// no block is added). The new block's index is blocks().size() - 1.
  std::optional<uint32_t> join(uint32_t count);

  /// Length of the run of free ids starting at the lowest free id.
  uint32_t free_run() const;

  /// Block `index` is gone: its ids are free again and, if `bump`, their
  /// incarnations grow (the run had started: a replacement must not repeat
  /// the streams the lost block used). Losing a lost block does nothing.
  void lose(size_t index, bool bump = true);

  /// Worker ids owned by blocks that are not lost.
  uint32_t alive() const;
  /// Every id is owned.
  bool full() const { return alive() == workers(); }
  uint32_t workers() const { return static_cast<uint32_t>(owner_.size()); }

  /// Index into blocks() of the owner of `id`, -1 if free.
  int owner(uint32_t id) const { return owner_[id]; }
  /// In order of joining; lost ones stay (their late messages are recognised).
  const std::vector<block>& blocks() const { return blocks_; }

  const std::vector<uint32_t>& incarnations() const { return incarnations_; }
  /// As a checkpoint stored them.
  void restore_incarnations(std::vector<uint32_t> x) { incarnations_ = std::move(x); }

private:
  std::vector<block> blocks_;
  std::vector<int> owner_;
  std::vector<uint32_t> incarnations_;
};

} // namespace lsgd
