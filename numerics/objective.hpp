// The objective interface: F(x), F*, and stochastic gradients from random streams.
#pragma once

#include "numerics/random_stream.hpp"
#include "numerics/step_size.hpp"

#include <Eigen/Core>

#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace lsgd {

using matrix = Eigen::MatrixXd;
using vector = Eigen::VectorXd;
using const_vector_ref = Eigen::Ref<const vector>;
using const_matrix_ref = Eigen::Ref<const matrix>;

struct block_layout; // numerics/local_optimizer.hpp
class stream_set;    // numerics/stream_set.hpp

/// What an objective knows of its own constants, NaN where it does not:
/// FedAC's parameter choice takes the ones a config does not give.
struct objective_constants {
  double mu = std::numeric_limits<double>::quiet_NaN();    // strong convexity
  double L = std::numeric_limits<double>::quiet_NaN();     // smoothness
  double sigma = std::numeric_limits<double>::quiet_NaN(); // gradient noise level
};

/// Where a run of SGD steps writes the iterates at recorded steps: column j's
/// d entries once it has reached step steps[s] (s < count) go to
/// out + (s * columns + j) * d. Empty (count = 0): nothing is written.
struct snapshot_sink {
  const uint64_t* steps = nullptr;
  size_t count = 0;
  double* out = nullptr;
};

/// F(x) = E_z f(x, z) on R^d. Implementations are immutable and shared by all
/// workers of a run, across threads; randomness comes only from the streams.
class objective {
public:
  virtual ~objective() = default;

protected:
  /// Pins Eigen's product blocking (numerics/product_blocking.hpp), so that an
  /// objective's products give the same bits on every machine.
  objective();

public:
  /// The dimension d.
  virtual Eigen::Index dimension() const = 0;

  /// F(x).
  virtual double value(const const_vector_ref& x) const = 0;

  /// F* = min F.
  virtual double optimum_value() const = 0;

  /// One stochastic gradient g(x_j) per column x_j of `x`, unbiased for
  /// grad F(x_j), drawn from `streams[j]`; written to column j of `g`.
  virtual void sample_gradients(const const_matrix_ref& x,
                                random_stream* streams,
                                Eigen::Ref<matrix> g) const = 0;

  /// Plain SGD steps t = first .. last - 1 on every column of `x`, column j
  /// drawing from stream j of `streams`: x_j <- x_j - eta_t g(x_j), writing
  /// the iterates at the steps of `sink`. This default draws a block of
  /// gradients per step (from streams.columns()); objectives override it
  /// with a fused loop, one column at a time or all in SIMD lanes
  /// (streams.lanes()), that performs the same operations in the same order
  /// per column and so gives the same numbers.
  virtual void sgd_steps(Eigen::Ref<matrix> x, stream_set& streams, const step_size& eta,
                         uint64_t first, uint64_t last, const snapshot_sink& sink) const;

  /// out[j] = F(points.col(j)) - F* for every column (d rows): the same
  /// numbers as error(), one call for many points.
  virtual void errors(const const_matrix_ref& points, double* out) const;

  /// A short human-readable description for logs.
  virtual std::string describe() const = 0;

  /// The objective whose gradients the columns of a block draw, if it is not
  /// this one. nullptr (the default): every worker samples F itself, the
  /// paper's setting. A data set split among the workers returns a view whose
  /// column c samples only the shard of the worker id of column c; a block
  /// calls that view with all its columns, in order.
  virtual std::shared_ptr<const objective> for_block(const block_layout& layout) const;

  /// mu, L and sigma as far as this objective knows them (default: none).
  virtual objective_constants constants() const;

  /// |x - x*|^2, NaN where x* is not known (the default).
  virtual double squared_distance_to_optimum(const const_vector_ref& x) const;

  /// Throws std::invalid_argument if a run cannot have N workers (a data set
  /// split by worker needs a row per worker); the default accepts any N.
  virtual void check_workers(uint64_t N) const;

  /// E[F(xbar_t)] - F* for t = 0..T of Local SGD from x0 with N workers,
  /// step size `eta` and communication `times`, where it is known in closed
  /// form; empty (the default) otherwise.
  virtual std::vector<double> expected_sgd_errors(const const_vector_ref& x0, uint64_t N,
                                                  const step_size& eta,
                                                  const std::vector<uint64_t>& times) const;

  /// The error F(x) - F*.
  double error(const const_vector_ref& x) const {
    return value(x) - optimum_value();
  }
};

/// Writes the first `rows` rows of x to slot s of `sink` if t is its next
/// recorded step (then advances s); for update rules that step every column
/// at once.
void write_snapshot(const snapshot_sink& sink, size_t& s, uint64_t t,
                    const Eigen::Ref<const matrix>& x, Eigen::Index rows);

} // namespace lsgd
