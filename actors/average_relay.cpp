#include "actors/average_relay.hpp"

#include <cstring>
#include <utility>

namespace lsgd {

average_relay::average_relay(Eigen::Index rows, Eigen::Index groups)
  : rows_(rows), groups_(groups), early_(static_cast<size_t>(rows)) {} // a chunk: a row at least

std::optional<std::string> average_relay::route(const chain_route& r,
                                                const caf::actor_addr& server) {
  if (r.chunk_bytes == 0)
    return "a relay route with empty chunks";
  route_ = r;
  from_ = r.prev ? r.prev.address() : server;
  routed_ = true;
  abandoned_ = false;
  chunks_ = chain_chunks(rows_, groups_, static_cast<Eigen::Index>(r.chunk_bytes));
  got_.assign(chunks_.size(), 0);
  in_ = 0;
  out_.clear();
  averages_.resize(rows_, groups_);
  for (auto& e : early_.take())
    if (auto err = receive(std::move(e.chunk), e.sender))
      return err;
  return std::nullopt;
}

std::optional<std::string> average_relay::check(const average_chunk& c,
                                                size_t& index) const {
  const auto k = chunk_index(chunks_, c.first_row, c.rows);
  if (!k || c.groups != static_cast<uint64_t>(groups_))
    return "an average chunk of rows " + std::to_string(c.first_row) + " + "
           + std::to_string(c.rows) + ", not one of the route";
  if (got_[*k])
    return "an average chunk of rows " + std::to_string(c.first_row) + " that came already";
  index = *k;
  const auto& want = chunks_[*k];
  const auto bytes = sizeof(double) * static_cast<size_t>(want.rows * groups_);
  if (c.values.bytes.size() != bytes)
    return "an average chunk of " + std::to_string(c.values.bytes.size()) + " bytes, not "
           + std::to_string(bytes);
  return std::nullopt;
}

std::optional<std::string> average_relay::receive(average_chunk c,
                                                  const caf::actor_addr& sender) {
  if (routed_ && c.round < route_.round)
    return std::nullopt;
  if (!routed_ || c.round > route_.round) {
    if (!early_.keep(std::move(c), sender))
      return "more early average chunks than the averages have rows";
    return std::nullopt;
  }
  if (abandoned_)
    return std::nullopt;
  if (!route_.relay)
    return "an average chunk of a round whose averages are not relayed";
  if (sender != from_)
    return "an average chunk from an actor that is not the one before the block";
  size_t k = 0;
  if (auto err = check(c, k))
    return err;
  // Rows first_row .. of every column: column g of the chunk is contiguous.
  const auto* values = reinterpret_cast<const double*>(c.values.bytes.data());
  for (Eigen::Index g = 0; g < groups_; ++g)
    std::memcpy(averages_.col(g).data() + c.first_row, values + g * static_cast<Eigen::Index>(c.rows),
                sizeof(double) * c.rows);
  got_[k] = 1;
  ++in_;
  if (route_.next)
    out_.push_back(std::move(c));
  return std::nullopt;
}

std::vector<average_chunk> average_relay::take() {
  if (abandoned_)
    out_.clear();
  return std::exchange(out_, {});
}

} // namespace lsgd
