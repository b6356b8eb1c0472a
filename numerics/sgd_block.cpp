#include "numerics/sgd_block.hpp"

#include <stdexcept>

namespace lsgd {

sgd_block::sgd_block(std::shared_ptr<const objective> f, step_size eta,
                     std::vector<random_stream> streams)
  : f_(std::move(f)),
    eta_(eta),
    streams_(std::move(streams)),
    x_(matrix::Zero(f_->dimension(), static_cast<Eigen::Index>(streams_.size()))),
    g_(x_.rows(), x_.cols()) {
}

void sgd_block::load(const const_vector_ref& model) {
  if (model.size() != x_.rows())
    throw std::invalid_argument("sgd_block: model of length "
                                + std::to_string(model.size()) + ", expected "
                                + std::to_string(x_.rows()));
  x_.colwise() = model;
}

void sgd_block::step(uint64_t t) {
  f_->sample_gradients(x_, streams_.data(), g_);
  x_.noalias() -= eta_(t) * g_;
}

sgd_method::sgd_method(std::shared_ptr<const objective> f, step_size eta, vector x0)
  : f_(std::move(f)), eta_(eta), x0_(std::move(x0)) {
  if (x0_.size() != f_->dimension())
    throw std::invalid_argument("sgd: x0 has length " + std::to_string(x0_.size())
                                + " but the objective has d = "
                                + std::to_string(f_->dimension()));
}

std::unique_ptr<local_optimizer>
sgd_method::make_block(uint64_t seed, uint32_t repetition, uint32_t first_worker,
                       uint32_t count) const {
  std::vector<random_stream> streams;
  streams.reserve(count);
  for (uint32_t i = 0; i < count; ++i)
    streams.emplace_back(seed, repetition, first_worker + i);
  return std::make_unique<sgd_block>(f_, eta_, std::move(streams));
}

std::string sgd_method::describe() const {
  return "SGD, step size " + eta_.describe();
}

} // namespace lsgd
