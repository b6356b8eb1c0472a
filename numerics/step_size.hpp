// Step-size rules eta_t, t = 0, 1, ... the step index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lsgd {

/// One of three rules:
/// - inverse_time: eta_t = alpha / (mu (t + beta))   (experiment Q: 3/(t + 1))
/// - harmonic:     eta_t = min(eta / (t + 1), cap)   (experiments S, L: min(2/(t+1), 1/2))
/// - constant:     eta_t = eta
class step_size {
public:
  enum class kind { inverse_time, harmonic, constant };

  /// eta_t = 0: a placeholder until a rule is assigned.
  step_size() : step_size(kind::constant, 0, 0, 0) {
  }

  static step_size inverse_time(double alpha, double mu, double beta);
  static step_size harmonic(double eta, double cap);
  static step_size constant(double eta);

  double operator()(uint64_t t) const {
    switch (kind_) {
      case kind::inverse_time:
        return a_ / (b_ * (static_cast<double>(t) + c_));
      case kind::harmonic: {
        const double eta = a_ / (static_cast<double>(t) + 1.0);
        return eta < b_ ? eta : b_;
      }
      case kind::constant:
        break;
    }
    return a_;
  }

  /// eta_t for t = first .. last - 1.
  std::vector<double> table(uint64_t first, uint64_t last) const {
    std::vector<double> out;
    out.reserve(last > first ? last - first : 0);
    for (uint64_t t = first; t < last; ++t)
      out.push_back((*this)(t));
    return out;
  }

  kind rule() const {
    return kind_;
  }

  std::string describe() const;

private:
  step_size(kind k, double a, double b, double c) : kind_(k), a_(a), b_(b), c_(c) {
  }

  kind kind_;
  double a_; // alpha or eta
  double b_; // mu or cap
  double c_; // beta
};

} // namespace lsgd
