#include "numerics/averaging.hpp"

#include <stdexcept>

namespace lsgd {

void average_columns(const const_matrix_ref& models, vector& out) {
  if (models.cols() < 1)
    throw std::invalid_argument("average_columns: no models");
  out = models.col(0);
  for (Eigen::Index n = 1; n < models.cols(); ++n)
    out += models.col(n);
  out /= static_cast<double>(models.cols());
}

double error_of_average(const objective& f, const const_vector_ref& average) {
  return f.error(average.head(f.dimension()));
}

} // namespace lsgd
