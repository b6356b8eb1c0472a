// A user's objective: the quartic bowl F(x) = sum_i (a/2) x_i^2 + (b/4) x_i^4
// with additive gradient noise, and its config component "quartic".
#pragma once

#include <runtime/config/components.hpp>

/// The component: keys a, b, sigma, dimension and x0.
lsgd::objective_component quartic_component();
