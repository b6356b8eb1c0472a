// The local update rule a block of workers runs between rounds.
#pragma once

#include "numerics/objective.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace lsgd {

/// The local state of a block of consecutive worker ids and its update rule.
/// A worker's model is a vector of `model_size()` numbers (d for SGD; a method
/// with more state per worker, like FedAC, communicates more). The server
/// averages models; the error is measured at the first d entries of a model.
class local_optimizer {
public:
  virtual ~local_optimizer() = default;

  /// The number of workers in the block.
  virtual Eigen::Index workers() const = 0;

  /// Every worker of the block continues from `model` (length model_size()).
  virtual void load(const const_vector_ref& model) = 0;

  /// One local step with step index t for every worker of the block.
  virtual void step(uint64_t t) = 0;

  /// The models, one column per worker (model_size() x workers()).
  virtual const matrix& models() const = 0;
};

/// A local method: makes the optimizer of a block of workers, with each
/// worker id's own random stream, and knows the model layout. Immutable and
/// shared across threads.
class local_method {
public:
  virtual ~local_method() = default;

  /// The length of one worker's model.
  virtual Eigen::Index model_size() const = 0;

  /// The model every worker starts from.
  virtual vector initial_model() const = 0;

  /// The optimizer for workers first_worker .. first_worker + count - 1 of
  /// repetition `repetition`.
  virtual std::unique_ptr<local_optimizer>
  make_block(uint64_t seed, uint32_t repetition, uint32_t first_worker,
             uint32_t count) const = 0;

  virtual std::string describe() const = 0;
};

} // namespace lsgd
