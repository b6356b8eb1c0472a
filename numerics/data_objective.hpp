// A finite sum as an objective: stochastic gradients from mini-batches of
// its data set, shared by all workers or split among them.
#pragma once

#include "numerics/finite_sum.hpp"
#include "numerics/linear_sgd.hpp"

#include <vector>

namespace lsgd {

/// Who samples what. shared: every worker draws from the whole data set, so
/// all see the same distribution (the paper's setting; its guarantees are
/// for this one). sharded: worker w of N draws only from its contiguous
/// shard of the rows (shard() in dataset.hpp): the federated, heterogeneous
/// setting, in which the workers' local objectives differ.
enum class data_split { shared, sharded };

/// F of a finite_sum, with F* = F(x*) known. A stochastic gradient at x is
///   g = (1/B) sum_{b < B} grad loss(a_{i_b}, y_{i_b}; x) + lambda x,
/// with B = batch_size indices i_b drawn uniformly with replacement from the
/// column's samples by its stream (random_stream::below): unbiased for
/// grad F when shared, for the shard's own F_w when sharded.
class data_objective final : public objective {
public:
  data_objective(std::shared_ptr<const finite_sum> f, vector minimizer, double optimum,
                 uint32_t batch_size, data_split split);

  Eigen::Index dimension() const override {
    return f_->dimension();
  }
  double value(const const_vector_ref& x) const override {
    return f_->value(x);
  }
  double optimum_value() const override {
    return optimum_;
  }
  void sample_gradients(const const_matrix_ref& x, random_stream* streams,
                        Eigen::Ref<matrix> g) const override;
  /// One pass over the data for all points (finite_sum::values).
  void errors(const const_matrix_ref& points, double* out) const override;
  void sgd_steps(Eigen::Ref<matrix> x, stream_set& streams, const step_size& eta,
                 uint64_t first, uint64_t last, const snapshot_sink& sink) const override;
  /// Sharded: a view whose column c samples the shard of worker
  /// layout.worker(c) of layout.total_workers. Shared: nullptr (this one).
  std::shared_ptr<const objective> for_block(const block_layout& layout) const override;
  std::string describe() const override;
  /// mu = lambda (F is lambda-strongly convex) and L its smoothness bound;
  /// the gradient noise of mini-batches has no closed form.
  objective_constants constants() const override;
  double squared_distance_to_optimum(const const_vector_ref& x) const override {
    return (x - minimizer_).squaredNorm();
  }
  /// Sharded: one row at least per worker.
  void check_workers(uint64_t N) const override;

  const finite_sum& problem() const {
    return *f_;
  }
  /// x*, the minimiser F* was computed at.
  const vector& minimizer() const {
    return minimizer_;
  }
  uint32_t batch_size() const {
    return batch_;
  }
  data_split split() const {
    return split_;
  }
  /// The samples column j draws from.
  sample_range samples_of(Eigen::Index column) const;
  /// Columns the fused loop interleaves when the loss has a residual
  /// (numerics/linear_sgd.hpp); 1: one column at a time. Never changes the
  /// numbers; for tests and measurements.
  void set_interleave(Eigen::Index columns) {
    interleave_ = columns < 1 ? 1 : columns;
  }

private:
  // g = the mini-batch gradient at x (d numbers), drawn from `rng` over `r`.
  void column_gradient(const double* x, random_stream& rng, sample_range r, double* g,
                       double* scratch) const;

  std::shared_ptr<const finite_sum> f_;
  vector minimizer_;
  double optimum_;
  uint32_t batch_;
  data_split split_;
  std::vector<sample_range> ranges_; // a sharded block's columns; empty otherwise
  Eigen::Index interleave_;
};

} // namespace lsgd
