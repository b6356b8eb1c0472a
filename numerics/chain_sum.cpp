#include "numerics/chain_sum.hpp"

#include <algorithm>
#include <stdexcept>

namespace lsgd {

std::vector<row_chunk> chain_chunks(Eigen::Index rows, Eigen::Index groups,
                                    Eigen::Index max_bytes) {
  const Eigen::Index row_bytes = std::max<Eigen::Index>(1, groups) * Eigen::Index(sizeof(double));
  const Eigen::Index per = std::max<Eigen::Index>(1, max_bytes / row_bytes);
  std::vector<row_chunk> out;
  for (Eigen::Index r = 0; r < rows; r += per)
    out.push_back({r, std::min(per, rows - r)});
  return out;
}

std::optional<size_t> chunk_index(const std::vector<row_chunk>& chunks, uint64_t first,
                                  uint64_t rows) {
  const auto at = std::lower_bound(chunks.begin(), chunks.end(), first,
                                   [](const row_chunk& c, uint64_t row) {
                                     return static_cast<uint64_t>(c.first) < row;
                                   });
  if (at == chunks.end() || static_cast<uint64_t>(at->first) != first
      || static_cast<uint64_t>(at->rows) != rows)
    return std::nullopt;
  return static_cast<size_t>(at - chunks.begin());
}

chain_partial chain_continue(const chain_partial& in, const row_chunk& chunk,
                             uint32_t workers, uint32_t first, uint32_t count,
                             const Eigen::Ref<const Eigen::MatrixXd>& block,
                             bool taking_part) {
  if (in.next != first)
    throw std::invalid_argument("chain_sum: the running sum does not end where the block starts");
  if (count == 0 || block.cols() % count != 0 || chunk.first + chunk.rows > block.rows())
    throw std::invalid_argument("chain_sum: the block's shape does not match");
  const Eigen::Index groups = block.cols() / count;
  if (in.added != 0 && (in.sum.rows() != chunk.rows || in.sum.cols() != groups))
    throw std::invalid_argument("chain_sum: the running sum's shape does not match");
  ordered_sum s = in.added == 0 ? ordered_sum(chunk.rows, groups, workers)
                                : ordered_sum(in.sum, workers, in.next, in.added);
  if (in.added == 0 && in.next > 0)
    s.exclude(in.next); // every id before was excluded
  if (taking_part)
    s.add(count, block.data() + chunk.first, block.outerStride());
  else
    s.exclude(count);
  chain_partial out;
  out.next = s.next();
  out.added = s.added();
  if (out.added != 0)
    out.sum = s.sum();
  return out;
}

bool chain_average(const chain_partial& done, uint32_t workers,
                   Eigen::Ref<Eigen::MatrixXd> out) {
  if (done.next != workers)
    throw std::invalid_argument("chain_sum: averaging a running sum before its last id");
  if (done.added == 0)
    return false;
  return ordered_sum(done.sum, workers, done.next, done.added).average(out);
}

} // namespace lsgd
