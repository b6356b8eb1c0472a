#include "numerics/ordered_sum.hpp"

#include <stdexcept>

namespace lsgd {

ordered_sum::ordered_sum(Eigen::Index rows, Eigen::Index groups, uint32_t workers)
  : sum_(rows, groups), workers_(workers) {
}

void ordered_sum::add(uint32_t count, const double* data) {
  if (count == 0 || count > workers_ - next_)
    throw std::invalid_argument("ordered_sum: more ids than the sum has left");
  const auto rows = sum_.rows(), groups = sum_.cols();
  for (Eigen::Index g = 0; g < groups; ++g) {
    double* sum = sum_.col(g).data();
    for (uint32_t k = 0; k < count; ++k) {
      const double* column = data + (g * count + k) * rows;
      // The first id copies (0 + x would turn -0.0 into 0.0).
      if (added_ == 0 && k == 0)
        for (Eigen::Index i = 0; i < rows; ++i)
          sum[i] = column[i];
      else
        for (Eigen::Index i = 0; i < rows; ++i)
          sum[i] += column[i];
    }
  }
  next_ += count;
  added_ += count;
}

void ordered_sum::exclude(uint32_t count) {
  if (count > workers_ - next_)
    throw std::invalid_argument("ordered_sum: more ids than the sum has left");
  next_ += count;
}

bool ordered_sum::average(Eigen::Ref<Eigen::MatrixXd> out) const {
  if (added_ == 0)
    return false;
  if (out.rows() != sum_.rows() || out.cols() != sum_.cols())
    throw std::invalid_argument("ordered_sum: the averages' shape does not match");
  const double count = static_cast<double>(added_);
  for (Eigen::Index g = 0; g < sum_.cols(); ++g)
    for (Eigen::Index i = 0; i < sum_.rows(); ++i)
      out(i, g) = sum_(i, g) / count;
  return true;
}

} // namespace lsgd
