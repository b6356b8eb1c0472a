// Regularised empirical risk on a data set: the smooth, strongly convex
// problems of real data (least squares, logistic regression).
#pragma once

#include "numerics/dataset.hpp"

#include <memory>
#include <string>

namespace lsgd {

/// F(x) = (1/n) sum_i loss(a_i, y_i; x) + (lambda/2) |x|^2, lambda > 0. Every
/// coordinate of x is regularised, the intercept too, so F is lambda-strongly
/// convex everywhere (mu = lambda, as the paper's theory assumes).
/// Implementations are immutable and shared across threads.
class finite_sum {
public:
  finite_sum(std::shared_ptr<const dataset> data, double lambda);
  virtual ~finite_sum() = default;

  /// The length of x.
  virtual Eigen::Index dimension() const = 0;

  /// F(x); the same numbers for the same x wherever it is called from.
  virtual double value(const const_vector_ref& x) const = 0;

  /// out[j] = F(X.col(j)) for every column: the same numbers as value(),
  /// one pass over the data for all of them (the default calls value()).
  virtual void values(const const_matrix_ref& X, double* out) const;

  /// grad F(x), written to g (length d).
  virtual void gradient(const const_vector_ref& x, Eigen::Ref<vector> g) const = 0;

  /// The Hessian of F at x (d x d).
  virtual void hessian(const const_vector_ref& x, matrix& H) const = 0;

  /// g += grad loss(a_i, y_i; x): one sample's gradient, without the
  /// regulariser. `scratch` has room for scratch_size() numbers.
  virtual void add_sample_gradient(Eigen::Index i, const double* x, double* g,
                                   double* scratch) const = 0;
  virtual Eigen::Index scratch_size() const {
    return 0;
  }

  /// Whether the loss depends on z = a_i . x alone, its gradient r a_i with
  /// r = residual(z, y_i): then data_objective runs the interleaved SGD loop
  /// (numerics/linear_sgd.hpp). add_sample_gradient must then be exactly
  /// z = ordered_dot(a_i, x) (numerics/loss_math.hpp), g_k += residual(z, y_i) a_k,
  /// and the residual z - y, or sigmoid(z) - y if logistic_residual().
  virtual bool has_residual() const {
    return false;
  }
  virtual double residual(double, double) const {
    return 0;
  }
  virtual bool logistic_residual() const {
    return false;
  }

  /// L: a bound on the largest eigenvalue of the Hessian anywhere.
  virtual double smoothness() const = 0;

  virtual std::string describe() const = 0;

  const dataset& data() const {
    return *data_;
  }
  const std::shared_ptr<const dataset>& data_ptr() const {
    return data_;
  }
  double lambda() const {
    return lambda_;
  }

protected:
  /// The largest eigenvalue of (1/n) sum_i a_i a_i^T.
  double largest_gram_eigenvalue() const;

  std::shared_ptr<const dataset> data_;
  double lambda_;
};

} // namespace lsgd
