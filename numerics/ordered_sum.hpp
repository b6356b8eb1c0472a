// Averages of column groups summed in worker-id order while blocks of ids
// arrive in any order: the server's round reduction without holding every
// block's columns.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace lsgd {

/// For groups g = 0 .. groups - 1 (e.g. step * reps + rep) the sum over
/// worker ids 0 .. N-1 of one column each: sum = x_first; sum += x_next ...
/// in id order, skipping excluded ids, exactly the additions of
/// average_column_groups_where. A block is added once every lower id is added
/// or excluded; the caller keeps blocks that arrive early and offers them
/// again when next() reaches them.
class ordered_sum {
public:
  ordered_sum() = default;
  ordered_sum(Eigen::Index rows, Eigen::Index groups, uint32_t workers);
  /// Continues a running sum another holder started (a chain of nodes):
  /// `sum` holds ids 0 .. next - 1, of which `added` were added.
  ordered_sum(Eigen::MatrixXd sum, uint32_t workers, uint32_t next, uint32_t added);

  /// The lowest id not yet added or excluded; workers() once all are.
  uint32_t next() const { return next_; }
  uint32_t workers() const { return workers_; }
  bool done() const { return next_ == workers_; }

  /// Adds ids next() .. next() + count - 1 from `data`, a rows x (groups x
  /// count) column-major matrix whose column g * count + k is id next() + k
  /// of group g.
  void add(uint32_t count, const double* data) { add(count, data, sum_.rows()); }
  /// The same with columns `stride` doubles apart (stride >= rows): a block of
  /// rows out of a taller matrix, as a chain passes on in chunks.
  void add(uint32_t count, const double* data, Eigen::Index stride);
  /// Ids next() .. next() + count - 1 take no part.
  void exclude(uint32_t count);

  /// Writes the averages (rows x groups) over the ids added; false if none was.
  bool average(Eigen::Ref<Eigen::MatrixXd> out) const;
  /// How many ids were added.
  uint32_t added() const { return added_; }
  /// The running sum (rows x groups) of the ids added so far.
  const Eigen::MatrixXd& sum() const { return sum_; }

private:
  Eigen::MatrixXd sum_;
  uint32_t workers_ = 0;
  uint32_t next_ = 0;
  uint32_t added_ = 0;
};

} // namespace lsgd
