#include "numerics/sgd_block.hpp"

#include "numerics/simd/kernels.hpp"

#include <stdexcept>

namespace lsgd {

sgd_block::sgd_block(std::shared_ptr<const objective> f, step_size eta,
                     const block_layout& layout)
  : f_(block_objective(std::move(f), layout)),
    eta_(eta),
    workers_(layout.workers),
    streams_(layout.streams()),
    x_(matrix::Zero(f_->dimension(), layout.columns())) {
}

void sgd_block::load(const const_matrix_ref& averages) {
  load_averages(x_, averages, workers_);
}

void sgd_block::advance(uint64_t first, uint64_t last, const snapshot_sink& sink) {
  f_->sgd_steps(x_, streams_, eta_, first, last, sink);
}

sgd_method::sgd_method(std::shared_ptr<const objective> f, step_size eta, vector x0,
                       generator_kind generator)
  : f_(std::move(f)), eta_(eta), x0_(std::move(x0)), generator_(generator) {
  if (generator_ == generator_kind::philox4x32_boxmuller)
    simd::active_kernels(); // a bad LSGD_SIMD fails here, while the run is planned
  if (x0_.size() != f_->dimension())
    throw std::invalid_argument("sgd: x0 has length " + std::to_string(x0_.size())
                                + " but the objective has d = "
                                + std::to_string(f_->dimension()));
}

std::unique_ptr<local_optimizer> sgd_method::make_block(const block_layout& layout) const {
  auto own = layout;
  own.generator = generator_;
  return std::make_unique<sgd_block>(f_, eta_, own);
}

std::string sgd_method::describe() const {
  return "SGD, step size " + eta_.describe();
}

} // namespace lsgd
