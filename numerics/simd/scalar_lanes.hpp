// The lane type of the plain path: one double, one uint64 (see lane_math.hpp).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lsgd::simd {
namespace {

struct scalar_lanes {
  using d = double;
  using u = uint64_t;
  static constexpr size_t width = 1;

  static d load(const double* p) { return *p; }
  static void store(double* p, d x) { *p = x; }
  static d load_n(const double* p, size_t n) { return n ? *p : 0.0; }
  static void store_n(double* p, d x, size_t n) { if (n) *p = x; }
  static double tree(d x) { return x; }
  static u loadu(const uint64_t* p) { return *p; }
  static d dup(double x) { return x; }
  static u dupu(uint64_t x) { return x; }
  static d add(d a, d b) { return a + b; }
  static d sub(d a, d b) { return a - b; }
  static d mul(d a, d b) { return a * b; }
  static d div(d a, d b) { return a / b; }
  static d fma(d a, d b, d c) { return std::fma(a, b, c); }
  static d sqrt(d a) { return std::sqrt(a); }
  static d max(d a, d b) { return a > b ? a : b; } // MAXPD's rule: b if either is NaN
  static u addu(u a, u b) { return a + b; }
  static u subu(u a, u b) { return a - b; }
  static u andu(u a, u b) { return a & b; }
  static u oru(u a, u b) { return a | b; }
  static u xoru(u a, u b) { return a ^ b; }
  template <int n> static u srl(u a) { return a >> n; }
  template <int n> static u sll(u a) { return a << n; }
  static u mul32(u a, u b) { return (a & 0xFFFFFFFFu) * (b & 0xFFFFFFFFu); }
  static d as_d(u a) { d x; std::memcpy(&x, &a, sizeof x); return x; }
  static u as_u(d a) { u x; std::memcpy(&x, &a, sizeof x); return x; }
  static d select_ge0(d x, d a, d b) { return x >= 0 ? a : b; }
  static u iota() { return 0; }
};

} // namespace
} // namespace lsgd::simd
