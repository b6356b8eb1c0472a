// F* to high accuracy: Newton's method on a finite sum.
#pragma once

#include "numerics/finite_sum.hpp"

namespace lsgd {

struct newton_options {
  /// Stop once |grad F| <= gradient_tolerance * max(1, |grad F(x0)|).
  double gradient_tolerance = 1e-12;
  int max_iterations = 100;
};

struct newton_result {
  vector x;                 // the minimiser x*
  double value = 0;         // F* = F(x*)
  double gradient_norm = 0; // |grad F(x*)|
  int iterations = 0;
};

/// Minimises f from x0: x <- x - t H^-1 grad F(x) with the Hessian H
/// factorised by Cholesky (H >= lambda I, so it always exists) and t halved
/// from 1 until F decreases enough (Armijo: F(x + t dx) <= F(x) + 1e-4 t
/// grad F.dx). Close to x*, where F no longer resolves the decrease, a full
/// step is taken while it shrinks the gradient. Quadratic convergence
/// takes |grad F| from 1e-6 to rounding level (about 1e-15) in two steps;
/// as F is lambda-strongly convex, F(x) - F* <= |grad F(x)|^2 / (2 lambda).
/// Deterministic. Throws std::runtime_error unless |grad F(x*)| < 1e-8.
newton_result newton_minimize(const finite_sum& f, vector x0, const newton_options& options = {});

} // namespace lsgd
