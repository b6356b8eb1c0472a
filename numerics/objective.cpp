#include "numerics/objective.hpp"

namespace lsgd {

void objective::sgd_steps(Eigen::Ref<matrix> x, random_stream* streams, const step_size& eta,
                          uint64_t first, uint64_t last) const {
  matrix g(x.rows(), x.cols());
  for (uint64_t t = first; t < last; ++t) {
    sample_gradients(x, streams, g);
    x.noalias() -= eta(t) * g;
  }
}

} // namespace lsgd
