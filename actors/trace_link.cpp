#include "actors/trace_link.hpp"

#include <algorithm>

namespace lsgd {

trace_link::trace_link(uint32_t first, uint32_t count, uint32_t workers, Eigen::Index d,
                       uint32_t reps)
  : first_(first), count_(count), workers_(workers), reps_(reps), d_(d) {}

chain_link& trace_link::link(size_t c) {
  auto it = links_.find(c);
  if (it == links_.end()) {
    const auto steps = std::min(per_chunk_, steps_ - c * per_chunk_);
    it = links_
           .emplace(c, chain_link(first_, count_, workers_, d_,
                                  static_cast<Eigen::Index>(steps * reps_)))
           .first;
    it->second.route(route_); // checked in open
  }
  return it->second;
}

std::optional<std::string> trace_link::open(const chain_route& route, size_t steps,
                                            size_t per_chunk, size_t credit) {
  chain_link probe(first_, count_, workers_, d_, reps_);
  if (auto err = probe.route(route))
    return err;
  route_ = route;
  round_ = route.round;
  on_ = true;
  steps_ = steps;
  per_chunk_ = std::max<size_t>(1, per_chunk);
  credit_ = std::max<size_t>(1, credit);
  links_.clear();
  own_.clear();
  run_ = passed_ = 0;
  auto early = std::move(early_);
  early_.clear();
  for (auto& [x, sender] : early)
    if (auto err = receive(std::move(x), sender))
      return err;
  return std::nullopt;
}

void trace_link::close(uint32_t round) {
  round_ = round;
  on_ = false;
  links_.clear();
  own_.clear();
  early_.clear();
}

void trace_link::own(size_t c, Eigen::MatrixXd snapshots) {
  if (!on_ || c != run_)
    return;
  auto& m = own_[c] = std::move(snapshots);
  link(c).models_ready(&m);
  ++run_;
}

std::optional<std::string> trace_link::receive(chain_trace x, const caf::actor_addr& sender) {
  if (x.sum.round < round_)
    return std::nullopt;
  if (x.sum.round > round_) {
    // The server lets a block run at most two chunks ahead (epoch::trace_credit),
    // each of at most d row chunks.
    if (early_.size() >= 2 * static_cast<size_t>(d_))
      return "more early trace sums than two chunks have rows";
    early_.emplace_back(std::move(x), sender);
    return std::nullopt;
  }
  if (!on_)
    return std::nullopt;
  // The block before can run a chunk only once the server reduced all but
  // credit before it, and this block handed those on.
  if (x.chunk < passed_ || x.chunk >= chunks() || x.chunk >= passed_ + credit_)
    return "a trace sum of chunk " + std::to_string(x.chunk) + ", not one the route expects now";
  return link(x.chunk).receive(std::move(x.sum), sender);
}

std::vector<chain_trace> trace_link::take() {
  std::vector<chain_trace> out;
  while (on_ && passed_ < run_) {
    auto& l = link(passed_);
    for (auto& c : l.take())
      out.push_back({static_cast<uint32_t>(passed_), std::move(c)});
    if (!l.finished())
      break;
    links_.erase(passed_);
    ++passed_;
  }
  return out;
}

void trace_link::release_below(size_t c) {
  // Never one still being summed, whatever the server says.
  own_.erase(own_.begin(), own_.lower_bound(std::min(c, passed_)));
}

bool trace_link::abandon(size_t from, std::vector<std::pair<size_t, Eigen::MatrixXd>>& out) {
  on_ = false;
  links_.clear();
  bool whole = true;
  for (size_t c = from; c < run_; ++c) {
    auto it = own_.find(c);
    if (it == own_.end())
      whole = false;
    else
      out.emplace_back(c, std::move(it->second));
  }
  own_.clear();
  return whole;
}

} // namespace lsgd
