// The kernels on AVX2 + FMA: four lanes per vector (built with -mavx2 -mfma).
#include "numerics/simd/lane_kernels.hpp"
#include "numerics/simd/linear_kernels.hpp"

#include <immintrin.h>

namespace lsgd::simd {
namespace {

struct avx2_lanes {
  using d = __m256d;
  using u = __m256i;
  static constexpr size_t width = 4;

  static d load(const double* p) { return _mm256_loadu_pd(p); }
  static void store(double* p, d x) { _mm256_storeu_pd(p, x); }
  static __m256i first(size_t n) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<long long>(n)), _mm256_set_epi64x(3, 2, 1, 0));
  }
  static d load_n(const double* p, size_t n) { return _mm256_maskload_pd(p, first(n)); }
  static void store_n(double* p, d x, size_t n) { _mm256_maskstore_pd(p, first(n), x); }
  // (x0 + x2) + (x1 + x3)
  static double tree(d x) {
    const __m128d u = _mm_add_pd(_mm256_castpd256_pd128(x), _mm256_extractf128_pd(x, 1));
    return _mm_cvtsd_f64(u) + _mm_cvtsd_f64(_mm_unpackhi_pd(u, u));
  }
  static u loadu(const uint64_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static d dup(double x) { return _mm256_set1_pd(x); }
  static u dupu(uint64_t x) { return _mm256_set1_epi64x(static_cast<long long>(x)); }
  static d add(d a, d b) { return _mm256_add_pd(a, b); }
  static d sub(d a, d b) { return _mm256_sub_pd(a, b); }
  static d mul(d a, d b) { return _mm256_mul_pd(a, b); }
  static d div(d a, d b) { return _mm256_div_pd(a, b); }
  static d fma(d a, d b, d c) { return _mm256_fmadd_pd(a, b, c); }
  static d sqrt(d a) { return _mm256_sqrt_pd(a); }
  static d max(d a, d b) { return _mm256_max_pd(a, b); }
  static u addu(u a, u b) { return _mm256_add_epi64(a, b); }
  static u subu(u a, u b) { return _mm256_sub_epi64(a, b); }
  static u andu(u a, u b) { return _mm256_and_si256(a, b); }
  static u oru(u a, u b) { return _mm256_or_si256(a, b); }
  static u xoru(u a, u b) { return _mm256_xor_si256(a, b); }
  template <int n> static u srl(u a) { return _mm256_srli_epi64(a, n); }
  template <int n> static u sll(u a) { return _mm256_slli_epi64(a, n); }
  static u mul32(u a, u b) { return _mm256_mul_epu32(a, b); }
  static d as_d(u a) { return _mm256_castsi256_pd(a); }
  static u as_u(d a) { return _mm256_castpd_si256(a); }
  static u iota() { return _mm256_set_epi64x(3, 2, 1, 0); }
  static d select_ge0(d x, d a, d b) {
    return _mm256_blendv_pd(b, a, _mm256_cmp_pd(x, _mm256_setzero_pd(), _CMP_GE_OQ));
  }
};

} // namespace

const kernel_table avx2_kernels{
  path::avx2, 4, &lanes::normals<avx2_lanes>, &lanes::stream_normals<avx2_lanes>, &lanes::stream_words<avx2_lanes>,
   &lanes::skewed<avx2_lanes, 4>,
  &lanes::noisy<avx2_lanes, 2>, &lanes::linear_steps<avx2_lanes>, &lanes::softplus<avx2_lanes>,
  &lanes::lane_words<avx2_lanes>};

} // namespace lsgd::simd
