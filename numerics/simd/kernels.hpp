// The vectorized random-number and SGD-step kernels, one table per instruction set.
#pragma once

// The kernels take raw pointers and sizes only: they are built with other -m
// flags than the rest of the project, and Eigen objects must not cross that
// boundary (Eigen's alignment ABI differs between -march levels).

#include <cstddef>
#include <cstdint>

namespace lsgd::simd {

/// Philox4x32 streams that stand at the same position, one per lane. Lane l's
/// counter for block b is (b mod 2^32, c1[l] | b / 2^32, c2[l], c3[l]) and its
/// key (key[0], key[1]) is shared; slot is the common position in half-blocks
/// (see random_stream). `lanes` is a multiple of the table's lane_multiple.
struct lane_streams {
  uint32_t key[2];
  const uint64_t* c1;
  const uint64_t* c2;
  const uint64_t* c3;
  uint64_t slot;
  size_t lanes;
};

/// Where a kernel writes the iterates of recorded steps: after its step
/// at[r] - 1 (at[r] steps done; at strictly increasing, r < count), lanes
/// l < valid go to out[r * stride + l].
struct lane_records {
  const uint64_t* at = nullptr;
  size_t count = 0;
  double* out = nullptr;
  size_t stride = 0;
  size_t valid = 0;
};

/// Mini-batch SGD steps of a loss of z = a_i . x (least squares or logistic
/// regression) for up to 8 columns at once (see linear_kernels.hpp).
struct linear_block {
  const double* samples = nullptr; // sample i at samples + i d
  const double* labels = nullptr;
  size_t d = 0;
  double* x = nullptr; // column c at x + c x_stride
  size_t x_stride = 0;
  size_t columns = 0; // <= 8
  const uint64_t* drawn = nullptr; // step k, draw b, column c: drawn[(k batch + b) 8 + c]
  const double* etas = nullptr;
  size_t steps = 0;
  uint32_t batch = 1;
  double lambda = 0;
  bool logistic = false; // residual sigma(z) - y, else z - y
  double* g = nullptr;   // scratch, columns x d
};

/// The instruction sets a kernel table is built for.
enum class path { scalar, avx2, avx512 };

struct kernel_table {
  path which;
  size_t lane_multiple; // doubles per vector

  /// out[k * lanes + l] = normal number slot + k of lane l, k < count.
  void (*normals)(const lane_streams& s, size_t count, double* out);

  /// One stream's blocks at once (lane 0 of s; slot ignored): z0[i], z1[i]
  /// are the normals of block first + i, i < count, count a multiple of 8.
  void (*stream_normals)(const lane_streams& s, uint64_t first, size_t count, double* z0,
                         double* z1);

  /// One stream's raw words (lane 0 of s; slot ignored): out[i] = w1 << 32 | w0
  /// of block first + i, i < count, count a multiple of 8 (random_stream's word32).
  void (*stream_words)(const lane_streams& s, uint64_t first, size_t count, uint64_t* out);

  /// `steps` SGD steps on the skewed quadratic, lane l at v[l], step k with
  /// eta = etas[k] and the normal at slot + k:
  ///   g = (v >= 0 ? L : mu) v + sigma z,  v <- v - eta g,
  /// writing the iterates at `records` on the way.
  void (*skewed)(const lane_streams& s, double* v, const double* etas, size_t steps,
                 double mu, double L, double sigma, const lane_records& records);

  /// `steps` SGD steps on the noisy quadratic, x[i * lanes + l] the coordinate
  /// i of lane l; per coordinate z1, z2 are the next two normals (one block,
  /// so slot must be even):
  ///   g = a_i x_i (1 + sm z1) + sa z2,  x_i <- x_i - eta g.
  void (*noisy)(const lane_streams& s, double* x, size_t d, const double* a,
                const double* etas, size_t steps, double sm, double sa);

  /// The steps of b, per column exactly the generic loop of data_objective
  /// with linear_math.hpp's dot product and sigmoid: g = 0, g += r a_i per
  /// draw (r = residual(a_i . x, y_i)), x <- x - eta (g / batch + lambda x).
  void (*linear_steps)(const linear_block& b);

  /// out[i] = softplus(z[i]) (linear_math.hpp), i < n.
  void (*softplus)(const double* z, size_t n, double* out);

  /// The raw word of block `block` of every lane (slot ignored; s.lanes a
  /// multiple of the width): out[l] = w1 << 32 | w0, as stream_words gives.
  void (*lane_words)(const lane_streams& s, uint64_t block, uint64_t* out);
};

extern const kernel_table scalar_kernels;
#if defined(__x86_64__)
extern const kernel_table avx2_kernels;
extern const kernel_table avx512_kernels;
#endif

/// "scalar", "avx2" or "avx512".
const char* path_name(path p);

/// Whether this CPU (and its operating system) can run path p.
bool path_available(path p);

/// The widest available path, or the one the environment variable
/// LSGD_SIMD=avx512|avx2|scalar forces; read once. Throws
/// std::invalid_argument if LSGD_SIMD names an unknown or unavailable path.
path chosen_path();

/// The table of path p; throws std::invalid_argument if it is not available.
const kernel_table& kernels_for(path p);

/// The table the SGD kernels use: chosen_path(), unless force() said otherwise.
const kernel_table& active_kernels();

/// Makes active_kernels() use path p from now on (tests compare paths this
/// way); returns the path used before. Not thread-safe: call it before runs.
path force(path p);

} // namespace lsgd::simd
