#include "quartic.hpp"

#include <numerics/objective.hpp>
#include <runtime/components/objective_keys.hpp>

#include <sstream>

namespace {

/// F(x) = sum_i (a/2) x_i^2 + (b/4) x_i^4, F* = 0 at x* = 0; a stochastic
/// gradient is a x + b x^3 + sigma z, z standard normal per coordinate.
class quartic final : public lsgd::objective {
public:
  quartic(Eigen::Index d, double a, double b, double sigma) : d_(d), a_(a), b_(b), sigma_(sigma) {
  }

  Eigen::Index dimension() const override {
    return d_;
  }

  double value(const lsgd::const_vector_ref& x) const override {
    return (0.5 * a_ * x.array().square() + 0.25 * b_ * x.array().square().square()).sum();
  }

  double optimum_value() const override {
    return 0.0;
  }

  // Determinism: every random number comes from the column's own stream, in
  // a fixed order, so the numbers do not depend on threads or layout.
  void sample_gradients(const lsgd::const_matrix_ref& x, lsgd::random_stream* streams,
                        Eigen::Ref<lsgd::matrix> g) const override {
    for (Eigen::Index j = 0; j < x.cols(); ++j)
      for (Eigen::Index i = 0; i < d_; ++i) {
        const double xi = x(i, j);
        g(i, j) = a_ * xi + b_ * xi * xi * xi + sigma_ * streams[j].normal();
      }
  }

  // Optional: what FedAC may take from the objective.
  lsgd::objective_constants constants() const override {
    lsgd::objective_constants c;
    c.mu = a_;
    c.sigma = sigma_;
    return c;
  }

  double squared_distance_to_optimum(const lsgd::const_vector_ref& x) const override {
    return x.squaredNorm();
  }

  std::string describe() const override {
    std::ostringstream out;
    out << "quartic bowl, d = " << d_ << ", a = " << a_ << ", b = " << b_
        << ", sigma = " << sigma_;
    return out.str();
  }

private:
  Eigen::Index d_;
  double a_, b_, sigma_;
};

} // namespace

lsgd::objective_component quartic_component() {
  lsgd::objective_component c;
  c.name = "quartic";
  c.doc = "F(x) = sum_i (a/2) x_i^2 + (b/4) x_i^4, gradient noise N(0, sigma^2)";
  c.keys = {
    lsgd::integer_key("dimension", "d").at_least(1).at_most(lsgd::max_dimension).def(int64_t{2}),
    lsgd::number_key("a", "curvature of the quadratic part").above(0).def(1.0),
    lsgd::number_key("b", "weight of the quartic part").at_least(0).def(1.0),
    lsgd::number_key("sigma", "gradient noise level").at_least(0).def(1.0),
    lsgd::x0_key().needed(),
  };
  // Checked values in, a source of the objective out; values::fail gives the
  // user a one-line error at the key.
  c.make = [](lsgd::values& v) -> lsgd::objective_source {
    const auto d = v.integer("dimension");
    const auto x0 = lsgd::resolve_x0(v, static_cast<size_t>(d));
    const double a = v.number("a"), b = v.number("b"), sigma = v.number("sigma");
    return [=] {
      return lsgd::prepared_objective{std::make_shared<quartic>(d, a, b, sigma), x0, {}};
    };
  };
  return c;
}
