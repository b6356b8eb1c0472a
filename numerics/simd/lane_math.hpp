// Philox4x32-10 and Box-Muller written once over a lane type V (scalar, AVX2, AVX-512).
#pragma once

// Every path instantiates these templates with its own V, so every path runs the
// same operations in the same order and gives the same bits: each rounding step
// is one IEEE operation (add, sub, mul, div, sqrt or an explicit fused
// multiply-add), everything else is exact integer work. The project builds with
// -ffp-contract=off, so the compiler fuses nothing on its own.
//
// Included only by numerics/simd/lanes_*.hpp users; V's types live in an
// anonymous namespace in each translation unit, so instantiations built with
// different -m flags never meet at link time.
//
// V provides: types d (doubles) and u (uint64 lanes); dup, dupu; add, sub, mul,
// div, fma(a, b, c) = a b + c rounded once, sqrt; addu, subu, andu, oru, xoru,
// srl<n>, sll<n>, mul32 (low 32 bits times low 32 bits, 64-bit product);
// as_d, as_u (bit casts); select_ge0(x, a, b) = x >= 0 ? a : b (false for NaN);
// iota() = (0, 1, ..., width - 1).

#include <cstdint>

namespace lsgd::simd::math {

// Random123's constants (philox.h).
inline constexpr uint64_t philox_m0 = 0xD2511F53u;
inline constexpr uint64_t philox_m1 = 0xCD9E8D57u;
inline constexpr uint32_t philox_w0 = 0x9E3779B9u;
inline constexpr uint32_t philox_w1 = 0xBB67AE85u;
inline constexpr uint64_t low32 = 0xFFFFFFFFu;

/// Philox4x32-10 on four counter words (low 32 bits of each lane) with the key
/// (k0, k1), in place: ten rounds
///   (hi0, lo0) = M0 c0, (hi1, lo1) = M1 c2,
///   c <- (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0),
/// the key bumped by (W0, W1) before every round but the first (Random123's
/// r123::Philox4x32).
template <class V>
void philox4x32_10(typename V::u& c0, typename V::u& c1, typename V::u& c2,
                   typename V::u& c3, uint32_t k0, uint32_t k1) {
  const auto m0 = V::dupu(philox_m0), m1 = V::dupu(philox_m1), mask = V::dupu(low32);
  for (int round = 0; round < 10; ++round) {
    const auto key0 = V::dupu(uint32_t(k0 + uint32_t(round) * philox_w0));
    const auto key1 = V::dupu(uint32_t(k1 + uint32_t(round) * philox_w1));
    const auto p0 = V::mul32(m0, c0);
    const auto p1 = V::mul32(m1, c2);
    const auto n0 = V::xoru(V::xoru(V::template srl<32>(p1), c1), key0);
    const auto n2 = V::xoru(V::xoru(V::template srl<32>(p0), c3), key1);
    c1 = V::andu(p1, mask);
    c3 = V::andu(p0, mask);
    c0 = n0;
    c2 = n2;
  }
}

/// A uniform double in (0, 1) from two 32-bit words: the top 52 bits n of
/// (hi << 32 | lo) give u = n 2^-52 + 2^-53, exactly, never 0 or 1.
template <class V>
typename V::d uniform_open(typename V::u lo, typename V::u hi) {
  const auto n = V::template srl<12>(V::oru(V::template sll<32>(hi), lo));
  const auto one_plus = V::as_d(V::oru(n, V::dupu(0x3FF0000000000000ull))); // 1 + n 2^-52
  return V::sub(one_plus, V::dup(0x1.fffffffffffffp-1)); // minus (1 - 2^-53): exact
}

/// log(x) for normal x > 0, after fdlibm's e_log.c: x = 2^k m with
/// m in [sqrt(2)/2, sqrt(2)), f = m - 1, s = f/(2 + f), z = s^2,
/// log m = f - f^2/2 + s (f^2/2 + R(z)), R a degree-7 minimax polynomial in z
/// (error below 2^-58), log x = k ln2_hi + (log m + k ln2_lo).
template <class V>
typename V::d log_positive(typename V::d x) {
  // Adding 1 - sqrt(2)/2 to the mantissa's bits carries into the exponent
  // exactly when m >= sqrt(2): k and m without a comparison.
  constexpr uint64_t sqrt_half_bits = 0x3FE6A09E667F3BCDull;
  const auto bits = V::addu(V::as_u(x), V::dupu(0x3FF0000000000000ull - sqrt_half_bits));
  const auto biased_k = V::template srl<52>(bits);
  const auto m = V::as_d(V::addu(V::andu(bits, V::dupu(0x000FFFFFFFFFFFFFull)),
                                 V::dupu(sqrt_half_bits)));
  // k = biased_k - 1023 as a double, exactly: 2^52 + 2^51 + biased_k read as bits.
  const auto k = V::sub(V::as_d(V::addu(biased_k, V::dupu(0x4338000000000000ull))),
                        V::dup(6755399441055744.0 + 1023.0));
  const auto f = V::sub(m, V::dup(1.0));
  const auto s = V::div(f, V::add(V::dup(2.0), f));
  const auto z = V::mul(s, s);
  auto p = V::dup(1.479819860511658591e-01);
  p = V::fma(p, z, V::dup(1.531383769920937332e-01));
  p = V::fma(p, z, V::dup(1.818357216161805012e-01));
  p = V::fma(p, z, V::dup(2.222219843214978396e-01));
  p = V::fma(p, z, V::dup(2.857142874366239149e-01));
  p = V::fma(p, z, V::dup(3.999999999940941908e-01));
  p = V::fma(p, z, V::dup(6.666666666666735130e-01));
  const auto R = V::mul(p, z);
  const auto hfsq = V::mul(V::mul(V::dup(0.5), f), f);
  const auto tail = V::fma(k, V::dup(1.90821492927058770002e-10), V::mul(s, V::add(hfsq, R)));
  const auto log_m = V::sub(V::sub(hfsq, tail), f); // -(log m + k ln2_lo)
  return V::sub(V::mul(k, V::dup(6.93147180369123816490e-01)), log_m);
}

/// sin and cos of 2 pi u for u in (0, 1): y = 4u, q = round(y), x = (y - q) pi/2
/// in [-pi/4, pi/4] (only this product rounds), then fdlibm's kernel
/// polynomials (k_sin.c, k_cos.c)
///   sin x = x + x^3 (S1 + x^2 (S2 + ... + x^2 S6)),
///   cos x = 1 - x^2/2 + x^4 (C1 + ... + x^2 C6),
/// and the quadrant q mod 4 swaps and negates them.
template <class V>
void sincos_2pi(typename V::d u, typename V::d& sin_out, typename V::d& cos_out) {
  const auto y = V::mul(V::dup(4.0), u);
  const auto rounder = V::dup(6755399441055744.0); // 2^52 + 2^51: adding it rounds to an integer
  const auto t = V::add(y, rounder);
  const auto q = V::as_u(t); // the integer in the low bits
  const auto x = V::mul(V::sub(y, V::sub(t, rounder)), V::dup(1.57079632679489655800e+00));
  const auto z = V::mul(x, x);
  auto ps = V::dup(1.58969099521155010221e-10);
  ps = V::fma(ps, z, V::dup(-2.50507602534068634195e-08));
  ps = V::fma(ps, z, V::dup(2.75573137070700676789e-06));
  ps = V::fma(ps, z, V::dup(-1.98412698298579493134e-04));
  ps = V::fma(ps, z, V::dup(8.33333333332248946124e-03));
  ps = V::fma(ps, z, V::dup(-1.66666666666666324348e-01));
  const auto sx = V::fma(V::mul(z, x), ps, x);
  auto pc = V::dup(-1.13596475577881948265e-11);
  pc = V::fma(pc, z, V::dup(2.08757232129817482790e-09));
  pc = V::fma(pc, z, V::dup(-2.75573143513906633035e-07));
  pc = V::fma(pc, z, V::dup(2.48015872894767294178e-05));
  pc = V::fma(pc, z, V::dup(-1.38888888888741095749e-03));
  pc = V::fma(pc, z, V::dup(4.16666666666666019037e-02));
  const auto hz = V::mul(V::dup(0.5), z);
  const auto w = V::sub(V::dup(1.0), hz);
  const auto cx = V::add(w, V::fma(z, V::mul(z, pc), V::sub(V::sub(V::dup(1.0), w), hz)));
  // Quadrant q: (cos, sin) = (cx, sx), (-sx, cx), (-cx, -sx), (sx, -cx).
  const auto one = V::dupu(1), two = V::dupu(2);
  const auto swap = V::subu(V::dupu(0), V::andu(q, one)); // all ones for odd q
  const auto diff = V::andu(V::xoru(V::as_u(cx), V::as_u(sx)), swap);
  const auto a = V::xoru(V::as_u(cx), diff);
  const auto b = V::xoru(V::as_u(sx), diff);
  const auto cos_sign = V::template sll<62>(V::andu(V::addu(q, one), two));
  const auto sin_sign = V::template sll<62>(V::andu(q, two));
  cos_out = V::as_d(V::xoru(a, cos_sign));
  sin_out = V::as_d(V::xoru(b, sin_sign));
}

/// Lane streams at one block index: the Philox counter of a lane is
/// (block mod 2^32, c1 | block / 2^32, c2, c3), its key (k0, k1).
template <class V>
struct block_counter {
  typename V::u c1, c2, c3;
  uint32_t k0, k1;
};

/// The raw Philox4x32-10 block `block` of every lane.
template <class V>
void philox_block(const block_counter<V>& s, uint64_t block, typename V::u& w0,
                  typename V::u& w1, typename V::u& w2, typename V::u& w3) {
  w0 = V::dupu(block & low32);
  w1 = V::oru(s.c1, V::dupu(block >> 32));
  w2 = s.c2;
  w3 = s.c3;
  philox4x32_10<V>(w0, w1, w2, w3, s.k0, s.k1);
}

/// The two normals of the Philox4x32-10 block of counter (w0, w1, w2, w3) and
/// key (k0, k1), by Box-Muller: u1 from words (0, 1), u2 from words (2, 3) of
/// the block, r = sqrt(-2 log u1), z0 = r cos(2 pi u2), z1 = r sin(2 pi u2).
template <class V>
void normal_pair_of(typename V::u w0, typename V::u w1, typename V::u w2, typename V::u w3,
                    uint32_t k0, uint32_t k1, typename V::d& z0, typename V::d& z1) {
  philox4x32_10<V>(w0, w1, w2, w3, k0, k1);
  const auto u1 = uniform_open<V>(w0, w1);
  const auto u2 = uniform_open<V>(w2, w3);
  const auto r = V::sqrt(V::mul(V::dup(-2.0), log_positive<V>(u1)));
  typename V::d sn, cs;
  sincos_2pi<V>(u2, sn, cs);
  z0 = V::mul(r, cs);
  z1 = V::mul(r, sn);
}

/// The two normals of block `block` of every lane.
template <class V>
void normal_pair(const block_counter<V>& s, uint64_t block, typename V::d& z0,
                 typename V::d& z1) {
  normal_pair_of<V>(V::dupu(block & low32), V::oru(s.c1, V::dupu(block >> 32)), s.c2, s.c3,
                    s.k0, s.k1, z0, z1);
}

/// The two normals of blocks first + l (lane l) of one stream.
template <class V>
void normal_pairs_of_stream(const block_counter<V>& s, uint64_t first, typename V::d& z0,
                            typename V::d& z1) {
  const auto b = V::addu(V::dupu(first), V::iota());
  normal_pair_of<V>(V::andu(b, V::dupu(low32)), V::oru(s.c1, V::template srl<32>(b)), s.c2,
                    s.c3, s.k0, s.k1, z0, z1);
}

} // namespace lsgd::simd::math
