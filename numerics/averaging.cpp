#include "numerics/averaging.hpp"

#include <stdexcept>

namespace lsgd {

void average_columns(const const_matrix_ref& models, double* out) {
  const auto rows = models.rows(), cols = models.cols();
  if (cols < 1)
    throw std::invalid_argument("average_columns: no models");
  // Plain loops: this runs for every recorded step of every repetition, often
  // with d = 1, where Eigen's per-expression overhead would dominate.
  const double* first = models.col(0).data();
  for (Eigen::Index i = 0; i < rows; ++i)
    out[i] = first[i];
  for (Eigen::Index n = 1; n < cols; ++n) {
    const double* column = models.col(n).data();
    for (Eigen::Index i = 0; i < rows; ++i)
      out[i] += column[i];
  }
  const double count = static_cast<double>(cols);
  for (Eigen::Index i = 0; i < rows; ++i)
    out[i] /= count;
}

void average_columns(const const_matrix_ref& models, vector& out) {
  out.resize(models.rows());
  average_columns(models, out.data());
}

void average_column_groups(const const_matrix_ref& columns, Eigen::Index group,
                           Eigen::Ref<matrix> out) {
  if (group < 1 || columns.cols() != group * out.cols() || columns.rows() != out.rows())
    throw std::invalid_argument("average_column_groups: shapes do not match");
  const auto rows = columns.rows(), groups = out.cols();
  if (rows >= 16) {
    for (Eigen::Index g = 0; g < groups; ++g)
      average_columns(columns.middleCols(g * group, group), out.col(g).data());
    return;
  }
  // Short columns (d = 1 for the quadratics): every group's additions in
  // column order as above, but the groups advance together, so their chains
  // of dependent additions overlap instead of waiting on each other.
  for (Eigen::Index g = 0; g < groups; ++g)
    for (Eigen::Index i = 0; i < rows; ++i)
      out(i, g) = columns(i, g * group);
  for (Eigen::Index k = 1; k < group; ++k)
    for (Eigen::Index g = 0; g < groups; ++g)
      for (Eigen::Index i = 0; i < rows; ++i)
        out(i, g) += columns(i, g * group + k);
  const double count = static_cast<double>(group);
  for (Eigen::Index g = 0; g < groups; ++g)
    for (Eigen::Index i = 0; i < rows; ++i)
      out(i, g) /= count;
}

void average_column_groups_where(const const_matrix_ref& columns,
                                 const std::vector<bool>& included, Eigen::Ref<matrix> out) {
  const auto group = static_cast<Eigen::Index>(included.size());
  if (group < 1 || columns.cols() != group * out.cols() || columns.rows() != out.rows())
    throw std::invalid_argument("average_column_groups_where: shapes do not match");
  const auto rows = columns.rows();
  double count = 0;
  for (bool b : included)
    count += b ? 1.0 : 0.0;
  if (count == 0)
    throw std::invalid_argument("average_column_groups_where: no member included");
  for (Eigen::Index g = 0; g < out.cols(); ++g) {
    double* sum = out.col(g).data();
    bool first = true;
    for (Eigen::Index k = 0; k < group; ++k) {
      if (!included[static_cast<size_t>(k)])
        continue;
      const double* column = columns.col(g * group + k).data();
      for (Eigen::Index i = 0; i < rows; ++i)
        sum[i] = first ? column[i] : sum[i] + column[i];
      first = false;
    }
    for (Eigen::Index i = 0; i < rows; ++i)
      sum[i] /= count;
  }
}

double error_of_average(const objective& f, const const_vector_ref& average) {
  return f.error(average.head(f.dimension()));
}

} // namespace lsgd
