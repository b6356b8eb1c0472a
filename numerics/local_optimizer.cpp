#include "numerics/local_optimizer.hpp"

#include <stdexcept>

namespace lsgd {

std::vector<random_stream> block_layout::streams() const {
  std::vector<random_stream> out;
  out.reserve(static_cast<size_t>(columns()));
  for (uint32_t r = 0; r < reps; ++r)
    for (uint32_t w = 0; w < workers; ++w)
      out.emplace_back(seed, first_rep + r, first_worker + w);
  return out;
}

std::shared_ptr<const objective> block_objective(std::shared_ptr<const objective> f,
                                                 const block_layout& layout) {
  auto view = f->for_block(layout);
  return view ? view : f;
}

void load_averages(matrix& models, const const_matrix_ref& averages, uint32_t workers) {
  if (averages.rows() != models.rows() || averages.cols() * workers != models.cols())
    throw std::invalid_argument("load_averages: " + std::to_string(averages.rows()) + " x "
                                + std::to_string(averages.cols()) + " averages for "
                                + std::to_string(models.rows()) + " x "
                                + std::to_string(models.cols()) + " models");
  for (Eigen::Index r = 0; r < averages.cols(); ++r)
    models.middleCols(r * workers, workers).colwise() = averages.col(r);
}

} // namespace lsgd
