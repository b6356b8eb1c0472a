#include "numerics/objective.hpp"

#include "numerics/product_blocking.hpp"
#include "numerics/stream_set.hpp"

namespace lsgd {

objective::objective() {
  pin_product_blocking();
}

void write_snapshot(const snapshot_sink& sink, size_t& s, uint64_t t,
                    const Eigen::Ref<const matrix>& x, Eigen::Index rows) {
  if (s >= sink.count || sink.steps[s] != t)
    return;
  double* out = sink.out + static_cast<Eigen::Index>(s) * x.cols() * rows;
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index i = 0; i < rows; ++i)
      *out++ = x(i, j);
  ++s;
}

std::shared_ptr<const objective> objective::for_block(const block_layout&) const {
  return nullptr;
}

void objective::errors(const const_matrix_ref& points, double* out) const {
  for (Eigen::Index j = 0; j < points.cols(); ++j)
    out[j] = error(points.col(j));
}

void objective::sgd_steps(Eigen::Ref<matrix> x, stream_set& set, const step_size& eta,
                          uint64_t first, uint64_t last, const snapshot_sink& sink) const {
  random_stream* streams = set.columns().data();
  matrix g(x.rows(), x.cols());
  size_t s = 0;
  for (uint64_t t = first; t < last; ++t) {
    sample_gradients(x, streams, g);
    x.noalias() -= eta(t) * g;
    write_snapshot(sink, s, t + 1, x, x.rows());
  }
}

objective_constants objective::constants() const {
  return {};
}

double objective::squared_distance_to_optimum(const const_vector_ref&) const {
  return std::numeric_limits<double>::quiet_NaN();
}

void objective::check_workers(uint64_t) const {
}

std::vector<double> objective::expected_sgd_errors(const const_vector_ref&, uint64_t,
                                                   const step_size&,
                                                   const std::vector<uint64_t>&) const {
  return {};
}

} // namespace lsgd
