// Philox4x32-10 + Box-Muller: Random123's words, libm's functions, the same bits on every path.
#include "numerics/random_stream.hpp"
#include "numerics/simd/kernels.hpp"
#include "numerics/simd/lane_math.hpp"
#include "numerics/simd/scalar_lanes.hpp"

#include <Random123/philox.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

using namespace lsgd;
using lanes = simd::scalar_lanes;

namespace {

std::vector<simd::path> available_paths() {
  std::vector<simd::path> out;
  for (auto p : {simd::path::scalar, simd::path::avx2, simd::path::avx512})
    if (simd::path_available(p))
      out.push_back(p);
  return out;
}

// Counter words of `n` lanes: repetition r0 + l, worker w, incarnation inc.
struct lane_words {
  std::vector<uint64_t> c1, c2, c3;
  lane_words(size_t n, uint32_t r0, uint32_t w, uint32_t inc)
    : c1(n, uint64_t{inc} << 16), c2(n), c3(n, w) {
    for (size_t l = 0; l < n; ++l)
      c2[l] = r0 + l;
  }
  simd::lane_streams at(uint64_t seed, uint64_t slot) const {
    return {{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)},
            c1.data(), c2.data(), c3.data(), slot, c1.size()};
  }
};

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

} // namespace

TEST_CASE("philox4x32: word for word r123::Philox4x32") {
  r123::Philox4x32 reference;
  random_stream source(11, 0, 0, 0, generator_kind::philox4x64_ziggurat); // test inputs
  for (int i = 0; i < 2000; ++i) {
    r123::Philox4x32::ctr_type c;
    r123::Philox4x32::key_type k;
    for (auto& w : c.v)
      w = static_cast<uint32_t>(source());
    for (auto& w : k.v)
      w = static_cast<uint32_t>(source());
    if (i == 0) // the all-zero and all-one corners too
      c = {{0, 0, 0, 0}}, k = {{0, 0}};
    if (i == 1)
      c = {{~0u, ~0u, ~0u, ~0u}}, k = {{~0u, ~0u}};
    const auto expected = reference(c, k);
    uint64_t w0 = c.v[0], w1 = c.v[1], w2 = c.v[2], w3 = c.v[3];
    simd::math::philox4x32_10<lanes>(w0, w1, w2, w3, k.v[0], k.v[1]);
    CAPTURE(i);
    REQUIRE(w0 == expected.v[0]);
    REQUIRE(w1 == expected.v[1]);
    REQUIRE(w2 == expected.v[2]);
    REQUIRE(w3 == expected.v[3]);
  }
}

TEST_CASE("philox4x32 streams: a word is block b's (w1, w0) with the documented key and counter") {
  const uint64_t seed = 0x123456789abcdef0ull;
  random_stream s(seed, 7, 9, 3, generator_kind::philox4x32_boxmuller);
  r123::Philox4x32 reference;
  const r123::Philox4x32::key_type k{{0x9abcdef0u, 0x12345678u}};
  for (uint32_t b = 0; b < 10; ++b) {
    const r123::Philox4x32::ctr_type c{{b, 3u << 16, 7, 9}};
    const auto w = reference(c, k);
    CHECK(s() == ((uint64_t{w.v[1]} << 32) | w.v[0]));
    CHECK(s.position() == 2 * (b + 1));
  }
  s.seek(uint64_t{1} << 33); // block 2^32: the carry into the second counter word
  const r123::Philox4x32::ctr_type c{{0, (3u << 16) | 1u, 7, 9}};
  const auto w = reference(c, k);
  CHECK(s() == ((uint64_t{w.v[1]} << 32) | w.v[0]));
  CHECK_THROWS_AS(random_stream(1, 0, 0, 1u << 16, generator_kind::philox4x32_boxmuller),
                  std::invalid_argument);
}

TEST_CASE("box-muller: our log, sin and cos agree with libm") {
  random_stream source(5, 0, 0, 0, generator_kind::philox4x64_ziggurat);
  double worst_log = 0, worst_sin = 0, worst_cos = 0;
  for (int i = 0; i < 200000; ++i) {
    const uint64_t w = source(), v = source();
    const double u = simd::math::uniform_open<lanes>(w & 0xFFFFFFFFu, w >> 32);
    REQUIRE(u > 0);
    REQUIRE(u < 1);
    // log over (0, 1) and, by scaling, over all exponents of u's range.
    const double x = i % 2 ? u : std::ldexp(u, -static_cast<int>(v % 60));
    const double l = simd::math::log_positive<lanes>(x);
    worst_log = std::max(worst_log, std::abs(l - std::log(x)) / std::abs(std::log(x)));
    double sn, cs;
    simd::math::sincos_2pi<lanes>(u, sn, cs);
    const long double angle = 2 * 3.141592653589793238462643383279503L * u;
    worst_sin = std::max(worst_sin, static_cast<double>(std::abs(sn - std::sin(angle))));
    worst_cos = std::max(worst_cos, static_cast<double>(std::abs(cs - std::cos(angle))));
  }
  CHECK(simd::math::log_positive<lanes>(1.0) == 0.0);
  CHECK(simd::math::log_positive<lanes>(0.5) == std::log(0.5));
  CHECK(worst_log < 4e-16); // relative: within 2 ulp
  CHECK(worst_sin < 4e-16); // absolute, |sin| <= 1
  CHECK(worst_cos < 4e-16);
  // The extreme uniforms: u = 2^-53 gives the largest radius, sqrt(106 ln 2).
  const double smallest = simd::math::uniform_open<lanes>(0, 0);
  CHECK(smallest == std::ldexp(1.0, -53));
  CHECK(simd::math::uniform_open<lanes>(~0u, ~0u) == 1.0 - std::ldexp(1.0, -53));
  CHECK(std::abs(simd::math::log_positive<lanes>(smallest) + 53 * std::log(2.0)) < 1e-13);
}

TEST_CASE("normals: every SIMD path gives the plain path's bits, and so does random_stream") {
  const uint64_t seed = 42;
  for (size_t n : {1, 3, 8, 13, 40}) {
    const size_t padded = (n + 7) / 8 * 8; // a multiple of every path's lane count
    lane_words words(padded, 5, 2, 1);
    for (uint64_t slot : {0, 1, 6, 1001}) {
      const size_t count = 257;
      std::vector<double> expected(count * padded);
      simd::scalar_kernels.normals(words.at(seed, slot), count, expected.data());
      for (auto p : available_paths()) {
        CAPTURE(simd::path_name(p));
        std::vector<double> got(count * padded);
        simd::kernels_for(p).normals(words.at(seed, slot), count, got.data());
        CHECK(same_bits(got, expected));
        // One stream's blocks in lanes (random_stream's cache): lane 0's numbers.
        std::vector<double> z0(16), z1(16);
        simd::kernels_for(p).stream_normals(words.at(seed, 0), slot / 2, 16, z0.data(),
                                            z1.data());
        for (size_t k = 0; k < 32; ++k) {
          const uint64_t at = (slot / 2) * 2 + k; // slot number at
          if (at < slot || at >= slot + count)
            continue;
          const double z = at % 2 ? z1[k / 2] : z0[k / 2];
          REQUIRE(std::memcmp(&z, &expected[(at - slot) * padded], sizeof z) == 0);
        }
      }
      for (size_t l = 0; l < n; ++l) {
        random_stream s(seed, static_cast<uint32_t>(5 + l), 2, 1,
                        generator_kind::philox4x32_boxmuller);
        s.seek(slot);
        for (size_t k = 0; k < count; ++k) {
          const double z = s.normal();
          REQUIRE(std::memcmp(&z, &expected[k * padded + l], sizeof z) == 0);
        }
        CHECK(s.position() == slot + count);
      }
    }
  }
}

TEST_CASE("philox4x32 streams: position and seek continue a stream exactly, normals and words") {
  random_stream a(7, 1, 2, 0, generator_kind::philox4x32_boxmuller);
  std::vector<uint64_t> positions;
  std::vector<uint64_t> bits;
  for (int i = 0; i < 60; ++i) { // a mix: normals take one slot, words a whole block
    positions.push_back(a.position());
    if (i % 7 == 3) {
      bits.push_back(a());
    } else {
      const double z = a.normal();
      uint64_t b;
      std::memcpy(&b, &z, sizeof b);
      bits.push_back(b);
    }
  }
  for (size_t i = 0; i < positions.size(); ++i) {
    random_stream b(7, 1, 2, 0, generator_kind::philox4x32_boxmuller);
    b.seek(positions[i]);
    CHECK(b.position() == positions[i]);
    for (size_t k = i; k < bits.size(); ++k) {
      uint64_t got;
      if (k % 7 == 3) {
        got = b();
      } else {
        const double z = b.normal();
        std::memcpy(&got, &z, sizeof got);
      }
      REQUIRE(got == bits[k]);
    }
  }
  // A word after one normal skips the rest of that block: no shared bits.
  random_stream c(7, 1, 2, 0, generator_kind::philox4x32_boxmuller);
  c.normal();
  c();
  CHECK(c.position() == 4);
}

TEST_CASE("philox4x32 normals: moments, KS statistic and tails on 1e7 draws") {
  // Lanes: 16 streams (repetitions 0..15 of worker 3, seed 2026), 625000 each.
  const size_t lanes_n = 16, per_lane = 625000, n = lanes_n * per_lane;
  lane_words words(lanes_n, 0, 3, 0);
  std::vector<double> z(n);
  simd::active_kernels().normals(words.at(2026, 0), per_lane, z.data());
  double s1 = 0, s2 = 0, s4 = 0;
  size_t beyond3 = 0, beyond4 = 0, below_minus3 = 0;
  for (double x : z) {
    s1 += x;
    s2 += x * x;
    s4 += x * x * x * x;
    beyond3 += x > 3;
    below_minus3 += x < -3;
    beyond4 += std::abs(x) > 4;
  }
  const double dn = static_cast<double>(n);
  // Standard errors: Var z = 1, Var z^2 = 2, Var z^4 = E z^8 - 9 = 96; five of them.
  CHECK(std::abs(s1 / dn) < 5 * std::sqrt(1 / dn));
  CHECK(std::abs(s2 / dn - 1) < 5 * std::sqrt(2 / dn));
  CHECK(std::abs(s4 / dn - 3) < 5 * std::sqrt(96 / dn));
  // Tail counts are binomial: P(z > 3) = 1.3499e-3, P(|z| > 4) = 6.3342e-5.
  auto within = [&](size_t count, double p) {
    const double mean = dn * p, sd = std::sqrt(dn * p * (1 - p));
    CAPTURE(count);
    CAPTURE(mean);
    return std::abs(static_cast<double>(count) - mean) < 5 * sd;
  };
  CHECK(within(beyond3, 1.349898031630e-3));
  CHECK(within(below_minus3, 1.349898031630e-3));
  CHECK(within(beyond4, 6.334248366624e-5));
  // Kolmogorov-Smirnov: sqrt(n) D_n exceeds 1.95 with probability 0.001.
  std::sort(z.begin(), z.end());
  double D = 0;
  for (size_t i = 0; i < n; ++i) {
    const double F = 0.5 * std::erfc(-z[i] / std::sqrt(2.0));
    D = std::max({D, F - static_cast<double>(i) / dn, static_cast<double>(i + 1) / dn - F});
  }
  CAPTURE(D);
  CHECK(std::sqrt(dn) * D < 1.95);
}
