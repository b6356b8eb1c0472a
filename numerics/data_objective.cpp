#include "numerics/data_objective.hpp"

#include "numerics/stream_set.hpp"

#include "numerics/linear_sgd.hpp"
#include "numerics/local_optimizer.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace lsgd {

data_objective::data_objective(std::shared_ptr<const finite_sum> f, vector minimizer,
                               double optimum, uint32_t batch_size, data_split split)
  : f_(std::move(f)),
    minimizer_(std::move(minimizer)),
    optimum_(optimum),
    batch_(batch_size),
    split_(split),
    interleave_(default_interleave) {
  if (minimizer_.size() != f_->dimension())
    throw std::invalid_argument("data_objective: the minimiser has the wrong length");
  if (batch_ < 1)
    throw std::invalid_argument("data_objective: the batch size must be >= 1");
}

sample_range data_objective::samples_of(Eigen::Index column) const {
  if (!ranges_.empty())
    return ranges_[static_cast<size_t>(column)];
  if (split_ == data_split::sharded)
    throw std::logic_error("data_objective: a sharded data set sampled without a block's "
                           "worker ids (use for_block)");
  return {0, static_cast<uint64_t>(f_->data().samples())};
}

void data_objective::column_gradient(const double* x, random_stream& rng, sample_range r,
                                     double* g, double* scratch) const {
  const auto d = dimension();
  std::fill(g, g + d, 0.0);
  for (uint32_t b = 0; b < batch_; ++b)
    f_->add_sample_gradient(static_cast<Eigen::Index>(r.first + rng.below(r.count)), x, g,
                            scratch);
  const double inv_batch = 1.0 / batch_;
  const double lambda = f_->lambda();
  for (Eigen::Index i = 0; i < d; ++i)
    g[i] = g[i] * inv_batch + lambda * x[i];
}

void data_objective::sample_gradients(const const_matrix_ref& x, random_stream* streams,
                                      Eigen::Ref<matrix> g) const {
  vector scratch(f_->scratch_size());
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    column_gradient(x.col(j).data(), streams[j], samples_of(j), g.col(j).data(),
                    scratch.data());
}

void data_objective::errors(const const_matrix_ref& points, double* out) const {
  f_->values(points, out);
  for (Eigen::Index j = 0; j < points.cols(); ++j)
    out[j] = out[j] - optimum_;
}

void data_objective::sgd_steps(Eigen::Ref<matrix> x, stream_set& set,
                               const step_size& eta, uint64_t first, uint64_t last,
                               const snapshot_sink& sink) const {
  random_stream* streams = set.columns().data();
  // The default's operations per column, one column at a time.
  const auto etas = eta.table(first, last);
  const auto d = dimension();
  const auto columns = x.cols();
  if (f_->has_residual()) { // the same, several columns interleaved
    std::vector<sample_range> ranges;
    for (Eigen::Index j = 0; j < columns; ++j)
      ranges.push_back(samples_of(j));
    linear_sgd_steps(*f_, batch_, ranges, x, streams, etas, first, sink, interleave_);
    return;
  }
  vector g(d), scratch(f_->scratch_size());
  for (Eigen::Index j = 0; j < columns; ++j) {
    auto& rng = streams[j];
    const auto range = samples_of(j);
    double* xj = &x(0, j);
    size_t s = 0;
    for (size_t k = 0; k < etas.size(); ++k) {
      column_gradient(xj, rng, range, g.data(), scratch.data());
      const double e = etas[k];
      for (Eigen::Index i = 0; i < d; ++i)
        xj[i] = xj[i] - e * g[i];
      if (s < sink.count && sink.steps[s] == first + k + 1) {
        std::copy(xj, xj + d, sink.out + (static_cast<Eigen::Index>(s) * columns + j) * d);
        ++s;
      }
    }
  }
}

std::shared_ptr<const objective> data_objective::for_block(const block_layout& layout) const {
  if (split_ == data_split::shared)
    return nullptr;
  const auto n = static_cast<uint64_t>(f_->data().samples());
  if (layout.total_workers < 1 || layout.total_workers > n)
    throw std::invalid_argument("data_objective: a sharded data set of " + std::to_string(n)
                                + " samples needs 1 <= N <= " + std::to_string(n) + ", got "
                                + std::to_string(layout.total_workers));
  auto view = std::make_shared<data_objective>(*this);
  view->ranges_.clear();
  for (Eigen::Index c = 0; c < layout.columns(); ++c)
    view->ranges_.push_back(shard(n, layout.worker(c), layout.total_workers));
  return view;
}

std::string data_objective::describe() const {
  std::ostringstream out;
  out << f_->describe() << ", mini-batches of " << batch_ << ", "
      << (split_ == data_split::shared ? "shared" : "sharded") << " data, F* = ";
  out.precision(17);
  out << optimum_;
  return out.str();
}

objective_constants data_objective::constants() const {
  objective_constants c;
  c.mu = f_->lambda();
  c.L = f_->smoothness();
  return c;
}

void data_objective::check_workers(uint64_t N) const {
  const auto n = static_cast<uint64_t>(f_->data().samples());
  if (split_ == data_split::sharded && N > n)
    throw std::invalid_argument("split = \"sharded\" needs N <= " + std::to_string(n)
                                + ", the number of samples");
}

} // namespace lsgd
