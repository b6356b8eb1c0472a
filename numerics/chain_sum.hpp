// One link of a chain reduction: a node continues the running sum over worker
// ids that the node before it passed on, with its own ids, a chunk of rows at a
// time, so the additions are those of ordered_sum (bit-identical to the star).
#pragma once

#include "numerics/ordered_sum.hpp"

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <vector>

namespace lsgd {

/// A chunk of at most this many bytes of running sum travels a link at once:
/// a few hundred KB keeps every link busy while the next chunk is summed (the
/// round costs about one model transfer plus the hops), and stays far below
/// BASP's 32-bit payload length whatever d x reps is.
inline constexpr Eigen::Index chain_chunk_bytes = 256 * 1024;

/// Rows [first, first + rows) of every group's column.
struct row_chunk {
  Eigen::Index first = 0;
  Eigen::Index rows = 0;
};

/// The chunks of `rows` rows for sums of `groups` columns, each at most
/// `max_bytes` (at least one row each), in order.
std::vector<row_chunk> chain_chunks(Eigen::Index rows, Eigen::Index groups,
                                    Eigen::Index max_bytes = chain_chunk_bytes);

/// The index in `chunks` (of chain_chunks) of the chunk of rows
/// [first, first + rows), or none if it is not one of them.
std::optional<size_t> chunk_index(const std::vector<row_chunk>& chunks, uint64_t first,
                                  uint64_t rows);

/// How far a chunk's running sum got: ids 0 .. next - 1 are added or
/// excluded, `added` of them added.
struct chain_tally {
  uint32_t next = 0;
  uint32_t added = 0;
};

/// Continues a chunk's running sum where it lies, as the additions of
/// ordered_sum::add: `sum` (chunk.rows x groups, column-major, contiguous)
/// holds `in` and then also the block's ids first .. first + count - 1, rows
/// `chunk` of `block` (all rows x groups * count, column g * count + k for
/// id first + k). While in.added is 0 `sum` is only written (if the block
/// takes part). `taking_part` false: the block's ids are excluded (a lost
/// node). Throws if `in` does not end where the block starts.
chain_tally chain_continue(chain_tally in, double* sum, const row_chunk& chunk,
                           uint32_t workers, uint32_t first, uint32_t count,
                           const Eigen::Ref<const Eigen::MatrixXd>& block,
                           bool taking_part = true);

/// The averages of a finished chunk's `sum` (out's rows x cols, contiguous),
/// divided as ordered_sum::average does; false if no id was added.
bool chain_average(const double* sum, chain_tally done, uint32_t workers,
                   Eigen::Ref<Eigen::MatrixXd> out);

/// The running sum of one chunk as a link hands it on.
struct chain_partial {
  Eigen::MatrixXd sum; // chunk.rows x groups; empty while nothing was added
  uint32_t next = 0;   // ids 0 .. next - 1 are added or excluded
  uint32_t added = 0;
};

/// chain_continue on a sum held in a matrix: `in` (ids before `first`, or
/// nothing if first == 0), continued into a new one.
chain_partial chain_continue(const chain_partial& in, const row_chunk& chunk,
                             uint32_t workers, uint32_t first, uint32_t count,
                             const Eigen::Ref<const Eigen::MatrixXd>& block,
                             bool taking_part = true);

/// The averages of a finished chunk (chunk.rows x groups), divided as
/// ordered_sum::average does; false if no id was added.
bool chain_average(const chain_partial& done, uint32_t workers,
                   Eigen::Ref<Eigen::MatrixXd> out);

} // namespace lsgd
