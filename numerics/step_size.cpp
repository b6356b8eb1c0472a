#include "numerics/step_size.hpp"

#include <sstream>
#include <stdexcept>

namespace lsgd {

step_size step_size::inverse_time(double alpha, double mu, double beta) {
  if (!(alpha > 0) || !(mu > 0) || !(beta > 0))
    throw std::invalid_argument("inverse_time step size: alpha, mu and beta must be > 0");
  return {kind::inverse_time, alpha, mu, beta};
}

step_size step_size::harmonic(double eta, double cap) {
  if (!(eta > 0) || !(cap > 0))
    throw std::invalid_argument("harmonic step size: eta and cap must be > 0");
  return {kind::harmonic, eta, cap, 0};
}

step_size step_size::constant(double eta) {
  if (!(eta > 0))
    throw std::invalid_argument("constant step size: eta must be > 0");
  return {kind::constant, eta, 0, 0};
}

std::string step_size::describe() const {
  std::ostringstream out;
  switch (kind_) {
    case kind::inverse_time:
      out << a_ << "/(" << b_ << " (t + " << c_ << "))";
      break;
    case kind::harmonic:
      out << "min(" << a_ << "/(t + 1), " << b_ << ")";
      break;
    case kind::constant:
      out << a_;
      break;
  }
  return out.str();
}

} // namespace lsgd
