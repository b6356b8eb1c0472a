// The kernels on AVX-512F: eight lanes per vector (built with -mavx512f).
#include "numerics/simd/lane_kernels.hpp"
#include "numerics/simd/linear_kernels.hpp"

#include <immintrin.h>

namespace lsgd::simd {
namespace {

struct avx512_lanes {
  using d = __m512d;
  using u = __m512i;
  static constexpr size_t width = 8;

  static d load(const double* p) { return _mm512_loadu_pd(p); }
  static void store(double* p, d x) { _mm512_storeu_pd(p, x); }
  static __mmask8 first(size_t n) { return static_cast<__mmask8>((1u << n) - 1); }
  static d load_n(const double* p, size_t n) { return _mm512_maskz_loadu_pd(first(n), p); }
  static void store_n(double* p, d x, size_t n) { _mm512_mask_storeu_pd(p, first(n), x); }
  // ((x0 + x4) + (x2 + x6)) + ((x1 + x5) + (x3 + x7))
  static double tree(d x) {
    const __m256d t = _mm256_add_pd(_mm512_castpd512_pd256(x), _mm512_extractf64x4_pd(x, 1));
    const __m128d u = _mm_add_pd(_mm256_castpd256_pd128(t), _mm256_extractf128_pd(t, 1));
    return _mm_cvtsd_f64(u) + _mm_cvtsd_f64(_mm_unpackhi_pd(u, u));
  }
  static u loadu(const uint64_t* p) { return _mm512_loadu_si512(p); }
  static d dup(double x) { return _mm512_set1_pd(x); }
  static u dupu(uint64_t x) { return _mm512_set1_epi64(static_cast<long long>(x)); }
  static d add(d a, d b) { return _mm512_add_pd(a, b); }
  static d sub(d a, d b) { return _mm512_sub_pd(a, b); }
  static d mul(d a, d b) { return _mm512_mul_pd(a, b); }
  static d div(d a, d b) { return _mm512_div_pd(a, b); }
  static d fma(d a, d b, d c) { return _mm512_fmadd_pd(a, b, c); }
  static d sqrt(d a) { return _mm512_sqrt_pd(a); }
  static d max(d a, d b) { return _mm512_max_pd(a, b); }
  static u addu(u a, u b) { return _mm512_add_epi64(a, b); }
  static u subu(u a, u b) { return _mm512_sub_epi64(a, b); }
  static u andu(u a, u b) { return _mm512_and_si512(a, b); }
  static u oru(u a, u b) { return _mm512_or_si512(a, b); }
  static u xoru(u a, u b) { return _mm512_xor_si512(a, b); }
  template <int n> static u srl(u a) { return _mm512_srli_epi64(a, n); }
  template <int n> static u sll(u a) { return _mm512_slli_epi64(a, n); }
  static u mul32(u a, u b) { return _mm512_mul_epu32(a, b); }
  static d as_d(u a) { return _mm512_castsi512_pd(a); }
  static u as_u(d a) { return _mm512_castpd_si512(a); }
  static u iota() { return _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0); }
  static d select_ge0(d x, d a, d b) {
    return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(x, _mm512_setzero_pd(), _CMP_GE_OQ), b, a);
  }
};

} // namespace

const kernel_table avx512_kernels{
  path::avx512, 8, &lanes::normals<avx512_lanes>, &lanes::stream_normals<avx512_lanes>, &lanes::stream_words<avx512_lanes>,
   &lanes::skewed<avx512_lanes, 4>,
  &lanes::noisy<avx512_lanes, 2>, &lanes::linear_steps<avx512_lanes>, &lanes::softplus<avx512_lanes>,
  &lanes::lane_words<avx512_lanes>};

} // namespace lsgd::simd
