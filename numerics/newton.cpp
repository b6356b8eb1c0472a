#include "numerics/newton.hpp"

#include <Eigen/Cholesky>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace lsgd {

newton_result newton_minimize(const finite_sum& f, vector x0, const newton_options& options) {
  constexpr double armijo = 1e-4;
  constexpr double eps = std::numeric_limits<double>::epsilon();
  newton_result out;
  vector& x = out.x;
  x = std::move(x0);
  vector g(f.dimension()), g_new(f.dimension()), dx, x_new;
  matrix H;
  double F = f.value(x);
  f.gradient(x, g);
  const double tolerance = options.gradient_tolerance * std::max(1.0, g.norm());
  for (; out.iterations < options.max_iterations && g.norm() > tolerance; ++out.iterations) {
    f.hessian(x, H);
    Eigen::LLT<matrix> cholesky(H);
    if (cholesky.info() != Eigen::Success)
      break;
    dx = -cholesky.solve(g);
    const double slope = g.dot(dx);
    bool moved = false;
    for (double t = 1; t > 1e-12; t /= 2) {
      x_new = x + t * dx;
      const double F_new = f.value(x_new);
      if (F_new <= F + armijo * t * slope) {
        moved = true;
      } else if (t == 1 && F_new - F <= 8 * eps * std::abs(F)) {
        // The decrease is below F's rounding: trust the gradient instead.
        f.gradient(x_new, g_new);
        moved = g_new.norm() < g.norm();
      }
      if (moved) {
        x = x_new;
        F = F_new;
        break;
      }
      if (t == 1 && F_new - F <= 8 * eps * std::abs(F))
        break; // no halving resolves a rounding-level difference either
    }
    if (!moved)
      break;
    f.gradient(x, g);
  }
  out.value = F;
  out.gradient_norm = g.norm();
  if (!(out.gradient_norm < 1e-8)) {
    std::ostringstream msg;
    msg << "Newton's method did not reach |grad F| < 1e-8 (|grad F| = " << out.gradient_norm
        << " after " << out.iterations << " iterations)";
    throw std::runtime_error(msg.str());
  }
  return out;
}

} // namespace lsgd
