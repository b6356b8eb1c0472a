// ns per standard normal draw: each SIMD path's kernel, and random_stream one at a time.
//
//   bench_normals [millions of draws per measurement]
#include "numerics/random_stream.hpp"
#include "numerics/simd/kernels.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

} // namespace

int main(int argc, char** argv) {
  using namespace lsgd;
  const double millions = argc > 1 ? std::atof(argv[1]) : 20;
  const size_t lanes = 32, per_call = 512; // a 128 KB buffer: stays in L2
  const size_t calls = static_cast<size_t>(millions * 1e6 / (lanes * per_call)) + 1;
  std::vector<uint64_t> c1(lanes, 0), c2(lanes), c3(lanes, 0);
  for (size_t l = 0; l < lanes; ++l)
    c2[l] = l;
  std::vector<double> out(lanes * per_call);
  double sink = 0;
  for (auto p : {simd::path::scalar, simd::path::avx2, simd::path::avx512}) {
    if (!simd::path_available(p)) {
      std::printf("normals, %-7s kernel: not available on this CPU\n", simd::path_name(p));
      continue;
    }
    const auto& k = simd::kernels_for(p);
    double best = 1e30;
    for (int trial = 0; trial < 3; ++trial) {
      const auto start = clock_type::now();
      for (size_t i = 0; i < calls; ++i) {
        k.normals({{1, 0}, c1.data(), c2.data(), c3.data(), i * per_call, lanes}, per_call,
                  out.data());
        sink += out[i % out.size()];
      }
      best = std::min(best, seconds_since(start));
    }
    std::printf("normals, %-7s kernel: %.2f ns/draw\n", simd::path_name(p),
                best * 1e9 / double(calls * lanes * per_call));
  }
  for (auto kind : {generator_kind::philox4x64_ziggurat, generator_kind::philox4x32_boxmuller}) {
    random_stream s(1, 0, 0, 0, kind);
    const size_t n = static_cast<size_t>(millions * 1e6);
    double best = 1e30;
    for (int trial = 0; trial < 3; ++trial) {
      const auto start = clock_type::now();
      for (size_t i = 0; i < n; ++i)
        sink += s.normal();
      best = std::min(best, seconds_since(start));
    }
    std::printf("normals, random_stream::normal(), %s: %.2f ns/draw\n",
                generator_name(kind).c_str(), best * 1e9 / double(n));
  }
  return sink == 12345.678 ? 1 : 0; // keeps the draws alive
}
