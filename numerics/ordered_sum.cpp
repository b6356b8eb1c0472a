#include "numerics/ordered_sum.hpp"

#include <stdexcept>
#include <utility>

namespace lsgd {

ordered_sum::ordered_sum(Eigen::Index rows, Eigen::Index groups, uint32_t workers)
  : sum_(rows, groups), workers_(workers) {
}

ordered_sum::ordered_sum(Eigen::MatrixXd sum, uint32_t workers, uint32_t next, uint32_t added)
  : sum_(std::move(sum)), workers_(workers), next_(next), added_(added) {
  if (next > workers || added > next)
    throw std::invalid_argument("ordered_sum: a running sum past its ids");
}

void ordered_sum::add(uint32_t count, const double* data, Eigen::Index stride) {
  if (count == 0 || count > workers_ - next_)
    throw std::invalid_argument("ordered_sum: more ids than the sum has left");
  if (stride < sum_.rows())
    throw std::invalid_argument("ordered_sum: columns overlap");
  const auto rows = sum_.rows(), groups = sum_.cols();
  for (Eigen::Index g = 0; g < groups; ++g) {
    double* sum = sum_.col(g).data();
    for (uint32_t k = 0; k < count; ++k) {
      const double* column = data + (g * count + k) * stride;
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
