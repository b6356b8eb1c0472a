#include "numerics/chain_sum.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

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

chain_tally chain_continue(chain_tally in, double* sum, const row_chunk& chunk,
                           uint32_t workers, uint32_t first, uint32_t count,
                           const Eigen::Ref<const Eigen::MatrixXd>& block, bool taking_part) {
  if (in.next != first)
    throw std::invalid_argument("chain_sum: the running sum does not end where the block starts");
  if (in.next > workers || in.added > in.next)
    throw std::invalid_argument("chain_sum: a running sum past its ids");
  if (count == 0 || count > workers - first || block.cols() % count != 0
      || chunk.first + chunk.rows > block.rows())
    throw std::invalid_argument("chain_sum: the block's shape does not match");
  chain_tally out{in.next + count, in.added};
  if (!taking_part)
    return out;
  const Eigen::Index rows = chunk.rows, groups = block.cols() / count;
  for (Eigen::Index g = 0; g < groups; ++g) {
    double* s = sum + g * rows;
    for (uint32_t k = 0; k < count; ++k) {
      const double* column = block.data() + chunk.first + (g * count + k) * block.outerStride();
      // The first id copies (0 + x would turn -0.0 into 0.0).
      if (in.added == 0 && k == 0)
        for (Eigen::Index i = 0; i < rows; ++i)
          s[i] = column[i];
      else
        for (Eigen::Index i = 0; i < rows; ++i)
          s[i] += column[i];
    }
  }
  out.added += count;
  return out;
}

bool chain_average(const double* sum, chain_tally done, uint32_t workers,
                   Eigen::Ref<Eigen::MatrixXd> out) {
  if (done.next != workers)
    throw std::invalid_argument("chain_sum: averaging a running sum before its last id");
  if (done.added == 0)
    return false;
  const double count = static_cast<double>(done.added);
  for (Eigen::Index g = 0; g < out.cols(); ++g)
    for (Eigen::Index i = 0; i < out.rows(); ++i)
      out(i, g) = sum[g * out.rows() + i] / count;
  return true;
}

chain_partial chain_continue(const chain_partial& in, const row_chunk& chunk,
                             uint32_t workers, uint32_t first, uint32_t count,
                             const Eigen::Ref<const Eigen::MatrixXd>& block,
                             bool taking_part) {
  if (count == 0 || block.cols() % count != 0)
    throw std::invalid_argument("chain_sum: the block's shape does not match");
  const Eigen::Index groups = block.cols() / count;
  if (in.added != 0 && (in.sum.rows() != chunk.rows || in.sum.cols() != groups))
    throw std::invalid_argument("chain_sum: the running sum's shape does not match");
  Eigen::MatrixXd sum = in.added != 0 ? in.sum : Eigen::MatrixXd(chunk.rows, groups);
  const auto t = chain_continue({in.next, in.added}, sum.data(), chunk, workers, first, count,
                                block, taking_part);
  chain_partial out;
  out.next = t.next;
  out.added = t.added;
  if (out.added != 0)
    out.sum = std::move(sum);
  return out;
}

bool chain_average(const chain_partial& done, uint32_t workers,
                   Eigen::Ref<Eigen::MatrixXd> out) {
  if (done.added != 0 && (done.sum.rows() != out.rows() || done.sum.cols() != out.cols()))
    throw std::invalid_argument("chain_sum: the averages' shape does not match");
  return chain_average(done.sum.data(), {done.next, done.added}, workers, out);
}

} // namespace lsgd
