// The kernels of kernels.hpp written once over a lane type V (see lane_math.hpp).
#pragma once

// Lanes are independent streams and iterates, so how they are grouped into
// vectors (and G vectors interleaved to hide the latency of the update chain)
// changes no number. Uses no standard-library templates: whatever this header
// instantiates is built with its translation unit's -m flags and must stay
// inside it.

#include "numerics/simd/kernels.hpp"
#include "numerics/simd/lane_math.hpp"

namespace lsgd::simd::lanes {

template <class V>
math::block_counter<V> counters_at(const lane_streams& s, size_t lane) {
  return {V::loadu(s.c1 + lane), V::loadu(s.c2 + lane), V::loadu(s.c3 + lane), s.key[0],
          s.key[1]};
}

template <class V>
void normals(const lane_streams& s, size_t count, double* out) {
  if (count == 0)
    return;
  const uint64_t end = s.slot + count;
  for (size_t lane = 0; lane < s.lanes; lane += V::width) {
    const auto c = counters_at<V>(s, lane);
    for (uint64_t block = s.slot >> 1; 2 * block < end; ++block) {
      typename V::d z0, z1;
      math::normal_pair<V>(c, block, z0, z1);
      if (2 * block >= s.slot)
        V::store(out + (2 * block - s.slot) * s.lanes + lane, z0);
      if (2 * block + 1 >= s.slot && 2 * block + 1 < end)
        V::store(out + (2 * block + 1 - s.slot) * s.lanes + lane, z1);
    }
  }
}

/// Blocks first .. first + count - 1 of stream 0 of `s`, count a multiple of
/// the width: z0[i], z1[i] the normals of block first + i.
template <class V>
void stream_normals(const lane_streams& s, uint64_t first, size_t count, double* z0,
                    double* z1) {
  math::block_counter<V> c{V::dupu(s.c1[0]), V::dupu(s.c2[0]), V::dupu(s.c3[0]), s.key[0],
                           s.key[1]};
  for (size_t i = 0; i < count; i += V::width) {
    typename V::d a, b;
    math::normal_pairs_of_stream<V>(c, first + i, a, b);
    V::store(z0 + i, a);
    V::store(z1 + i, b);
  }
}

/// The raw word of block `block` of every lane of `s`.
template <class V>
void lane_words(const lane_streams& s, uint64_t block, uint64_t* out) {
  for (size_t lane = 0; lane < s.lanes; lane += V::width) {
    typename V::u w0, w1, w2, w3;
    math::philox_block<V>(counters_at<V>(s, lane), block, w0, w1, w2, w3);
    double bits[V::width]; // through doubles: the lane types store only those
    V::store(bits, V::as_d(V::oru(V::template sll<32>(w1), w0)));
    __builtin_memcpy(out + lane, bits, sizeof bits);
  }
}

/// Raw words of blocks first .. first + count - 1 of stream 0 of `s`.
template <class V>
void stream_words(const lane_streams& s, uint64_t first, size_t count, uint64_t* out) {
  for (size_t i = 0; i < count; i += V::width) {
    const auto b = V::addu(V::dupu(first + i), V::iota());
    auto w0 = V::andu(b, V::dupu(math::low32));
    auto w1 = V::oru(V::dupu(s.c1[0]), V::template srl<32>(b));
    auto w2 = V::dupu(s.c2[0]), w3 = V::dupu(s.c3[0]);
    math::philox4x32_10<V>(w0, w1, w2, w3, s.key[0], s.key[1]);
    double bits[V::width]; // through doubles: the lane types store only those
    V::store(bits, V::as_d(V::oru(V::template sll<32>(w1), w0)));
    __builtin_memcpy(out + i, bits, sizeof bits);
  }
}

/// g = (v >= 0 ? L : mu) v + sigma z, v <- v - eta g: the operations, in this
/// order, of skewed_quadratic's scalar loop.
template <class V>
struct skewed_step {
  typename V::d mu, L, sigma;
  void operator()(typename V::d& v, typename V::d z, double eta) const {
    const auto g = V::add(V::mul(V::select_ge0(v, L, mu), v), V::mul(sigma, z));
    v = V::sub(v, V::mul(V::dup(eta), g));
  }
};

/// Stores lanes [lane, lane + width) of x at p, only those below `valid`
/// (the last partial vector through a scratch array: no access past the end).
template <class V>
void store_valid(double* p, typename V::d x, size_t lane, size_t valid) {
  if (lane + V::width <= valid) {
    V::store(p, x);
  } else if (lane < valid) {
    double part[V::width];
    V::store(part, x);
    for (size_t i = 0; i < valid - lane; ++i)
      p[i] = part[i];
  }
}

template <class V, int G>
void skewed_chunk(const lane_streams& s, size_t lane, double* v, const double* etas,
                  size_t steps, const skewed_step<V>& step, const lane_records& rec) {
  math::block_counter<V> c[G];
  typename V::d x[G], z0[G], z1[G];
  for (int g = 0; g < G; ++g) {
    c[g] = counters_at<V>(s, lane + g * V::width);
    x[g] = V::load(v + lane + g * V::width);
  }
  size_t r = 0; // the next record
  auto record = [&](size_t done) {
    if (r < rec.count && rec.at[r] == done) {
      for (int g = 0; g < G; ++g)
        store_valid<V>(rec.out + r * rec.stride + lane + g * V::width, x[g],
                       lane + g * V::width, rec.valid);
      ++r;
    }
  };
  size_t k = 0;
  if (s.slot & 1) { // the stream stands in the middle of a block: its second normal
    for (int g = 0; g < G; ++g) {
      math::normal_pair<V>(c[g], s.slot >> 1, z0[g], z1[g]);
      step(x[g], z1[g], etas[0]);
    }
    k = 1;
    record(1);
  }
  for (; k + 2 <= steps; k += 2) {
    const uint64_t block = (s.slot + k) >> 1;
    for (int g = 0; g < G; ++g) {
      math::normal_pair<V>(c[g], block, z0[g], z1[g]);
      step(x[g], z0[g], etas[k]);
    }
    record(k + 1);
    for (int g = 0; g < G; ++g)
      step(x[g], z1[g], etas[k + 1]);
    record(k + 2);
  }
  if (k < steps) {
    for (int g = 0; g < G; ++g) {
      math::normal_pair<V>(c[g], (s.slot + k) >> 1, z0[g], z1[g]);
      step(x[g], z0[g], etas[k]);
    }
    record(k + 1);
  }
  for (int g = 0; g < G; ++g)
    V::store(v + lane + g * V::width, x[g]);
}

template <class V, int G>
void skewed(const lane_streams& s, double* v, const double* etas, size_t steps, double mu,
            double L, double sigma, const lane_records& records) {
  if (steps == 0)
    return;
  const skewed_step<V> step{V::dup(mu), V::dup(L), V::dup(sigma)};
  size_t lane = 0;
  for (; lane + G * V::width <= s.lanes; lane += G * V::width)
    skewed_chunk<V, G>(s, lane, v, etas, steps, step, records);
  for (; lane < s.lanes; lane += V::width)
    skewed_chunk<V, 1>(s, lane, v, etas, steps, step, records);
}

/// g = a_i x_i (1 + sm z1) + sa z2, x_i <- x_i - eta g: noisy_quadratic's order.
template <class V, int G>
void noisy_chunk(const lane_streams& s, size_t lane, double* x, size_t d, const double* a,
                 const double* etas, size_t steps, double sm, double sa) {
  math::block_counter<V> c[G];
  for (int g = 0; g < G; ++g)
    c[g] = counters_at<V>(s, lane + g * V::width);
  const auto one = V::dup(1.0), vsm = V::dup(sm), vsa = V::dup(sa);
  uint64_t block = s.slot >> 1;
  for (size_t k = 0; k < steps; ++k) {
    const auto eta = V::dup(etas[k]);
    for (size_t i = 0; i < d; ++i, ++block) {
      const auto ai = V::dup(a[i]);
      for (int g = 0; g < G; ++g) {
        typename V::d z1, z2;
        math::normal_pair<V>(c[g], block, z1, z2);
        double* p = x + i * s.lanes + lane + g * V::width;
        auto xi = V::load(p);
        const auto grad = V::add(V::mul(V::mul(ai, xi), V::add(one, V::mul(vsm, z1))),
                                 V::mul(vsa, z2));
        xi = V::sub(xi, V::mul(eta, grad));
        V::store(p, xi);
      }
    }
  }
}

template <class V, int G>
void noisy(const lane_streams& s, double* x, size_t d, const double* a, const double* etas,
           size_t steps, double sm, double sa) {
  size_t lane = 0;
  for (; lane + G * V::width <= s.lanes; lane += G * V::width)
    noisy_chunk<V, G>(s, lane, x, d, a, etas, steps, sm, sa);
  for (; lane < s.lanes; lane += V::width)
    noisy_chunk<V, 1>(s, lane, x, d, a, etas, steps, sm, sa);
}

} // namespace lsgd::simd::lanes
