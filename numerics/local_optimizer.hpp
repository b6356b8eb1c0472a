// The local update rule a block of workers runs between rounds.
#pragma once

#include "numerics/objective.hpp"
#include "numerics/stream_set.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace lsgd {

/// The (repetition, worker id) pairs a block hosts: repetitions first_rep ..
/// first_rep + reps - 1 and, in each, workers first_worker .. first_worker +
/// workers - 1. Column c = r * workers + w (repetition-major). Hosting many
/// repetitions in one block amortizes a round's messages over all of them.
struct block_layout {
  uint64_t seed = 0;
  uint32_t first_rep = 0;
  uint32_t reps = 1;
  uint32_t first_worker = 0;
  uint32_t workers = 1;
  uint32_t total_workers = 0; // N of the run (0: not known)
  /// 0 for the workers a run starts with; a replacement that takes over lost
  /// ids gets a higher one, and with it streams independent of the lost ones.
  uint32_t incarnation = 0;
  /// The streams' generator: set by the local method that makes the block.
  generator_kind generator = default_generator;

  Eigen::Index columns() const {
    return Eigen::Index{reps} * workers;
  }

  /// The worker id of column c.
  uint32_t worker(Eigen::Index c) const {
    return first_worker + static_cast<uint32_t>(c % workers);
  }

  /// One stream per column, keyed by (seed, repetition, worker id, incarnation),
  /// of kind `generator`.
  std::vector<random_stream> streams() const;
};

/// The local state of a block and its update rule. A worker's model is a
/// vector of `model_size()` numbers (d for SGD; a method with more state per
/// worker, like FedAC, communicates more). The server averages models; the
/// error is measured at the first d entries of a model.
class local_optimizer {
public:
  virtual ~local_optimizer() = default;

  /// Every worker of local repetition r continues from `averages.col(r)`.
  virtual void load(const const_matrix_ref& averages) = 0;

  /// Local steps with step indices first .. last - 1 for every column,
  /// writing the iterates (the first d entries of the models) at the
  /// recorded steps of `sink`.
  virtual void advance(uint64_t first, uint64_t last, const snapshot_sink& sink) = 0;

  /// The models, one column per (repetition, worker), repetition-major.
  virtual const matrix& models() const = 0;

  /// The random streams, one per column: with the models, the whole state
  /// of the block between rounds (what a checkpoint needs).
  virtual stream_set& streams() = 0;
};

/// Where every stream of `block` stands, column order.
std::vector<uint64_t> stream_positions(local_optimizer& block);

/// Moves every stream of `block` to `positions` (column order); throws
/// std::invalid_argument if the count does not match.
void seek_streams(local_optimizer& block, const std::vector<uint64_t>& positions);

/// A local method: makes the optimizer of a block and knows the model
/// layout. Immutable and shared across threads.
class local_method {
public:
  virtual ~local_method() = default;

  /// The length of one worker's model.
  virtual Eigen::Index model_size() const = 0;

  /// The model every worker starts from.
  virtual vector initial_model() const = 0;

  virtual std::unique_ptr<local_optimizer> make_block(const block_layout& layout) const = 0;

  virtual std::string describe() const = 0;

  /// E[F(xbar_t)] - F* for t = 0..T with N workers communicating at `times`,
  /// where it is known exactly; empty (the default) otherwise.
  virtual std::vector<double> expected_errors(uint64_t N, const std::vector<uint64_t>& times) const;
};

/// Rebuilds every stream of `block` (laid out as `layout`) as the stream of
/// its (repetition, worker id) in incarnation incarnations[w] (per worker of
/// the block), of the kind it had, moved to positions[column]. Throws std::invalid_argument if
/// the sizes do not match.
void restore_streams(local_optimizer& block, const block_layout& layout,
                     const std::vector<uint64_t>& positions,
                     const std::vector<uint32_t>& incarnations);

/// The objective the columns of `layout` sample: f->for_block(layout), or f.
std::shared_ptr<const objective> block_objective(std::shared_ptr<const objective> f,
                                                 const block_layout& layout);

/// Sets the columns of every repetition's workers to that repetition's average.
void load_averages(matrix& models, const const_matrix_ref& averages, uint32_t workers);

} // namespace lsgd
