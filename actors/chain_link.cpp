#include "actors/chain_link.hpp"

#include <utility>

namespace lsgd {

chain_link::chain_link(uint32_t first, uint32_t count, uint32_t workers, Eigen::Index rows,
                       Eigen::Index groups)
  : first_(first), count_(count), workers_(workers), rows_(rows), groups_(groups),
    early_(static_cast<size_t>(rows)) {} // a chunk holds a row at least

std::optional<std::string> chain_link::route(const chain_route& r) {
  if (r.from > first_)
    return "a chain route whose sum ends after the block's first id";
  if (r.chunk_bytes == 0)
    return "a chain route with empty chunks";
  route_ = r;
  routed_ = true;
  abandoned_ = false;
  chunks_ = chain_chunks(rows_, groups_, static_cast<Eigen::Index>(r.chunk_bytes));
  in_.assign(chunks_.size(), std::nullopt);
  models_ = nullptr;
  next_out_ = 0;
  for (auto& e : early_.take())
    if (auto err = receive(std::move(e.chunk), e.sender))
      return err;
  return std::nullopt;
}

std::optional<std::string> chain_link::check(const chain_chunk& c) const {
  if (!route_.prev)
    return "a chain chunk the route does not expect";
  const auto k = chunk_index(chunks_, c.first_row, c.rows);
  if (!k || c.groups != static_cast<uint64_t>(groups_))
    return "a chain chunk of rows " + std::to_string(c.first_row) + " + " + std::to_string(c.rows)
           + ", not one of the route";
  if (in_[*k])
    return "a chain chunk of rows " + std::to_string(c.first_row) + " that came already";
  const auto& want = chunks_[*k];
  if (c.next != route_.from || c.added > c.next)
    return "a chain chunk over ids 0.." + std::to_string(c.next) + ", not 0.."
           + std::to_string(route_.from);
  const auto doubles = c.added == 0 ? 0 : static_cast<size_t>(want.rows * groups_);
  if (c.sum.bytes.size() != doubles * sizeof(double))
    return "a chain chunk of " + std::to_string(c.sum.bytes.size()) + " bytes, not "
           + std::to_string(doubles * sizeof(double));
  return std::nullopt;
}

std::optional<std::string> chain_link::receive(chain_chunk c, const caf::actor_addr& sender) {
  if (routed_ && c.round < route_.round)
    return std::nullopt;
  if (!routed_ || c.round > route_.round) {
    if (!early_.keep(std::move(c), sender))
      return "more early chain chunks than a round has rows";
    return std::nullopt;
  }
  if (abandoned_)
    return std::nullopt;
  if (!route_.prev || sender != route_.prev.address())
    return "a chain chunk from a block that is not the one before it";
  if (auto err = check(c))
    return err;
  const auto k = *chunk_index(chunks_, c.first_row, c.rows);
  in_[k] = std::move(c);
  return std::nullopt;
}

std::vector<chain_chunk> chain_link::take() {
  std::vector<chain_chunk> out;
  if (!routed_ || abandoned_ || !models_)
    return out;
  while (next_out_ < chunks_.size()) {
    chain_tally in;
    in.next = first_; // ids before the block that no link added took no part
    param_bytes sum;
    if (route_.prev) {
      if (!in_[next_out_])
        break; // summed in row order: the next one is on its way
      in.added = in_[next_out_]->added;
      // continued where it lies, then passed on; the chunk stays marked as come
      sum = std::move(in_[next_out_]->sum);
    }
    // ids route_.from .. first_ - 1 take no part: like ordered_sum::exclude,
    // skipping them only moves the running sum's next id on.
    const auto& rc = chunks_[next_out_];
    sum.bytes.resize(sizeof(double) * static_cast<size_t>(rc.rows * groups_));
    const auto done = chain_continue(in, reinterpret_cast<double*>(sum.bytes.data()), rc,
                                     workers_, first_, count_, *models_);
    if (done.added == 0)
      sum.bytes = {};
    out.push_back({route_.round, static_cast<uint64_t>(rc.first), static_cast<uint64_t>(rc.rows),
                   static_cast<uint32_t>(groups_), done.next, done.added, std::move(sum)});
    ++next_out_;
  }
  return out;
}

} // namespace lsgd
