#include "numerics/schedule.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace lsgd {

namespace {

// Exact products: T r (r+1) overflows 64 bits for long runs.
__extension__ using u128 = unsigned __int128;

void require_T(uint64_t T) {
  if (T < 1)
    throw std::invalid_argument("schedule: T must be >= 1");
}

void require_at_most_max_rounds(uint64_t R) {
  if (R > schedules::max_rounds)
    throw std::invalid_argument("schedule: " + std::to_string(R)
                                + " rounds exceed the limit of "
                                + std::to_string(schedules::max_rounds));
}

void require_R(uint64_t T, uint64_t R) {
  require_T(T);
  if (R < 1)
    throw std::invalid_argument("schedule: the number of rounds must be >= 1");
  if (R > T)
    throw std::invalid_argument("schedule: " + std::to_string(R)
                                + " rounds do not fit in T = " + std::to_string(T)
                                + " steps");
  require_at_most_max_rounds(R);
}

// The largest H >= 1 with H^k N <= T^m, i.e. floor((T^m / N)^(1/k)).
uint64_t floor_root(uint64_t T, uint64_t N, int k, int m) {
  const double guess = std::pow(std::pow(double(T), m) / double(N), 1.0 / k);
  auto fits = [&](uint64_t H) {
    u128 lhs = N, rhs = 1;
    for (int i = 0; i < k; ++i)
      lhs *= H;
    for (int i = 0; i < m; ++i)
      rhs *= T;
    return lhs <= rhs;
  };
  uint64_t H = guess < 1 ? 1 : static_cast<uint64_t>(guess);
  while (H > 1 && !fits(H))
    --H;
  while (fits(H + 1))
    ++H;
  return H;
}

} // namespace

rounds_rule rounds_rule::parse(const std::string& text) {
  rounds_rule result;
  if (text == "N")
    return result;
  if (text == "sqrt(N)") {
    result.exponent_ = 0.5;
    return result;
  }
  if (text.rfind("N^", 0) == 0) {
    // N^p with p a number or a fraction in parentheses: N^0.75, N^(1/3).
    std::string power = text.substr(2);
    double divisor = 1;
    const auto slash = power.find('/');
    bool ok = true;
    if (power.size() > 2 && power.front() == '(' && power.back() == ')'
        && slash != std::string::npos) {
      const auto denominator = power.substr(slash + 1, power.size() - slash - 2);
      power = power.substr(1, slash - 1);
      size_t used = 0;
      try {
        divisor = std::stod(denominator, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      ok = used == denominator.size() && divisor > 0;
    }
    size_t used = 0;
    double p = 0;
    try {
      p = std::stod(power, &used) / divisor;
    } catch (const std::exception&) {
      used = 0;
    }
    if (!ok || used != power.size() || !(p > 0) || !(p <= 4))
      throw std::invalid_argument("\"" + text
                                  + "\": the power in N^p must be a number in (0, 4], "
                                    "like N^0.75 or N^(1/3)");
    result.exponent_ = p;
    return result;
  }
  const auto digit = [](unsigned char c) { return std::isdigit(c) != 0; };
  if (!text.empty() && std::all_of(text.begin(), text.end(), digit)) {
    uint64_t r = 0;
    try {
      r = std::stoull(text);
    } catch (const std::out_of_range&) {
      throw std::invalid_argument("\"" + text + "\": too many rounds");
    }
    if (r < 1)
      throw std::invalid_argument("the number of rounds must be >= 1");
    return fixed(r);
  }
  throw std::invalid_argument("\"" + text
                              + "\" is not a number of rounds (expected a positive integer, "
                                "\"N\", \"sqrt(N)\" or \"N^p\")");
}

rounds_rule rounds_rule::fixed(uint64_t rounds) {
  if (rounds < 1)
    throw std::invalid_argument("the number of rounds must be >= 1");
  rounds_rule result;
  result.fixed_ = rounds;
  return result;
}

uint64_t rounds_rule::resolve(uint64_t N) const {
  if (fixed_ > 0)
    return fixed_;
  const double r = std::pow(static_cast<double>(N), exponent_);
  if (!(r < 0x1p63)) { // N^4 reaches 1e24 for N = 1e6
    std::ostringstream reason;
    reason << "schedule: " << describe() << " is " << r << " rounds, too many";
    throw std::invalid_argument(reason.str());
  }
  // Guard against pow(16, 0.75) = 7.999999999999999.
  const auto R = static_cast<uint64_t>(std::ceil(r * (1 - 1e-12)));
  return std::max<uint64_t>(R, 1);
}

std::string rounds_rule::describe() const {
  if (fixed_ > 0)
    return std::to_string(fixed_);
  if (exponent_ == 1.0)
    return "N";
  if (exponent_ == 0.5)
    return "sqrt(N)";
  std::ostringstream out;
  out << "N^" << exponent_;
  return out.str();
}

namespace schedules {

comm_times normalize(uint64_t T, std::vector<uint64_t> times) {
  require_T(T);
  times.push_back(0);
  times.push_back(T);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  if (times.back() != T)
    throw std::invalid_argument("schedule: a communication time exceeds T = "
                                + std::to_string(T));
  return times;
}

comm_times synchronous(uint64_t T) {
  return constant_period(T, 1);
}

comm_times constant_period(uint64_t T, uint64_t H) {
  require_T(T);
  if (H < 1)
    throw std::invalid_argument("schedule: the period H must be >= 1");
  require_at_most_max_rounds(T / H + (T % H != 0));
  comm_times times;
  for (uint64_t t = 0; t < T; t += H)
    times.push_back(t);
  times.push_back(T);
  return times;
}

comm_times constant_rounds(uint64_t T, uint64_t R) {
  require_R(T, R);
  comm_times times;
  for (uint64_t r = 0; r <= R; ++r)
    times.push_back(static_cast<uint64_t>((u128{T} * r + R - 1) / R));
  return normalize(T, std::move(times));
}

comm_times stich(uint64_t T, uint64_t N) {
  return constant_period(T, floor_root(T, N, 2, 1));
}

comm_times haddadpour(uint64_t T, uint64_t N) {
  return constant_period(T, floor_root(T, N, 3, 2));
}

comm_times increasing(uint64_t T, uint64_t R) {
  require_R(T, R);
  comm_times times;
  const u128 denominator = u128{R} * (R + 1);
  for (uint64_t r = 0; r <= R; ++r)
    times.push_back(static_cast<uint64_t>(u128{T} * r * (r + 1) / denominator));
  return normalize(T, std::move(times));
}

comm_times decreasing(uint64_t T, uint64_t R) {
  const auto up = increasing(T, R);
  comm_times times;
  for (auto it = up.rbegin(); it != up.rend(); ++it)
    times.push_back(T - *it);
  return normalize(T, std::move(times));
}

comm_times one_shot(uint64_t T) {
  require_T(T);
  return {0, T};
}

comm_times explicit_times(uint64_t T, const std::vector<uint64_t>& times) {
  require_T(T);
  for (size_t i = 0; i < times.size(); ++i) {
    if (times[i] == 0 || times[i] > T)
      throw std::invalid_argument("schedule: time " + std::to_string(times[i])
                                  + " is outside (0, T = " + std::to_string(T) + "]");
    if (i > 0 && times[i] <= times[i - 1])
      throw std::invalid_argument("schedule: times must be strictly increasing ("
                                  + std::to_string(times[i - 1]) + " then "
                                  + std::to_string(times[i]) + ")");
  }
  return normalize(T, times);
}

} // namespace schedules

} // namespace lsgd
