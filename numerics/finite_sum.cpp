#include "numerics/finite_sum.hpp"

#include "numerics/product_blocking.hpp"

#include <Eigen/Eigenvalues>

#include <stdexcept>

namespace lsgd {

finite_sum::finite_sum(std::shared_ptr<const dataset> data, double lambda)
  : data_(std::move(data)), lambda_(lambda) {
  if (!data_ || data_->samples() < 1 || data_->features_per_sample() < 1)
    throw std::invalid_argument("finite_sum: the data set is empty");
  if (data_->labels.size() != data_->samples())
    throw std::invalid_argument("finite_sum: one label per sample needed");
  if (!(lambda_ > 0))
    throw std::invalid_argument("finite_sum: lambda must be > 0");
  pin_product_blocking(); // before F*, L and the step sizes are computed
}

void finite_sum::values(const const_matrix_ref& X, double* out) const {
  for (Eigen::Index j = 0; j < X.cols(); ++j)
    out[j] = value(X.col(j));
}

double finite_sum::largest_gram_eigenvalue() const {
  const auto& A = data_->features;
  const matrix gram = A * A.transpose() / static_cast<double>(A.cols());
  Eigen::SelfAdjointEigenSolver<matrix> eig(gram, Eigen::EigenvaluesOnly);
  return eig.eigenvalues().maxCoeff();
}

} // namespace lsgd
