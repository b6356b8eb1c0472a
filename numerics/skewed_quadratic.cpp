#include "numerics/skewed_quadratic.hpp"

#include "numerics/stream_set.hpp"

#include <sstream>
#include <stdexcept>

namespace lsgd {

skewed_quadratic::skewed_quadratic(double mu, double L, double sigma)
  : mu_(mu), L_(L), sigma_(sigma) {
  if (!(mu_ > 0) || !(L_ > 0))
    throw std::invalid_argument("skewed_quadratic: mu and L must be > 0");
  if (!(sigma_ >= 0))
    throw std::invalid_argument("skewed_quadratic: sigma must be >= 0");
}

double skewed_quadratic::value(const const_vector_ref& x) const {
  const double v = x[0];
  return 0.5 * (v >= 0 ? L_ : mu_) * v * v;
}

void skewed_quadratic::sample_gradients(const const_matrix_ref& x,
                                        random_stream* streams,
                                        Eigen::Ref<matrix> g) const {
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    const double v = x(0, j);
    g(0, j) = (v >= 0 ? L_ : mu_) * v + sigma_ * streams[j].normal();
  }
}

void skewed_quadratic::sgd_steps(Eigen::Ref<matrix> x, stream_set& streams,
                                 const step_size& eta, uint64_t first, uint64_t last,
                                 const snapshot_sink& sink) const {
  const auto& kernels = simd::active_kernels();
  const auto columns = x.cols();
  const auto* gathered = streams.lanes(kernels.lane_multiple);
  if (!gathered) {
    sgd_steps_by_column(x, streams.columns().data(), eta, first, last, sink);
    return;
  }
  const auto& lanes = *gathered;
  // All columns at once in SIMD lanes, the same operations as the column loop,
  // which records at steps[s] while they follow each other in (first, last].
  const auto etas = eta.table(first, last);
  std::vector<double> v(lanes.lanes(), 0.0);
  for (Eigen::Index j = 0; j < columns; ++j)
    v[static_cast<size_t>(j)] = x(0, j);
  std::vector<uint64_t> at; // recorded steps, counted from first
  for (uint64_t t = first;
       at.size() < sink.count && sink.steps[at.size()] > t && sink.steps[at.size()] <= last;) {
    t = sink.steps[at.size()];
    at.push_back(t - first);
  }
  const simd::lane_records records{at.data(), at.size(), sink.out,
                                   static_cast<size_t>(columns), static_cast<size_t>(columns)};
  kernels.skewed(lanes.at(lanes.slot()), v.data(), etas.data(), etas.size(), mu_, L_, sigma_,
                 records);
  for (Eigen::Index j = 0; j < columns; ++j)
    x(0, j) = v[static_cast<size_t>(j)];
  streams.lanes_moved_to(lanes.slot() + etas.size());
}

void skewed_quadratic::sgd_steps_by_column(Eigen::Ref<matrix> x, random_stream* streams,
                                           const step_size& eta, uint64_t first,
                                           uint64_t last, const snapshot_sink& sink) const {
  const auto etas = eta.table(first, last);
  const auto columns = x.cols();
  for (Eigen::Index j = 0; j < columns; ++j) {
    auto& rng = streams[j];
    double v = x(0, j);
    size_t s = 0;
    for (size_t k = 0; k < etas.size(); ++k) {
      const double g = (v >= 0 ? L_ : mu_) * v + sigma_ * rng.normal();
      v = v - etas[k] * g;
      if (s < sink.count && sink.steps[s] == first + k + 1)
        sink.out[static_cast<Eigen::Index>(s++) * columns + j] = v;
    }
    x(0, j) = v;
  }
}

void skewed_quadratic::errors(const const_matrix_ref& points, double* out) const {
  for (Eigen::Index j = 0; j < points.cols(); ++j) {
    const double v = points(0, j);
    out[j] = 0.5 * (v >= 0 ? L_ : mu_) * v * v - 0.0; // exactly value() - F*
  }
}

std::string skewed_quadratic::describe() const {
  std::ostringstream out;
  out << "skewed 1-D quadratic, mu = " << mu_ << ", L = " << L_
      << ", sigma = " << sigma_;
  return out.str();
}

} // namespace lsgd
