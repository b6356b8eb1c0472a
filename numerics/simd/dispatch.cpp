// Chooses the kernel table at run time: the CPU's widest path or LSGD_SIMD's.
#include "numerics/simd/kernels.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace lsgd::simd {

const char* path_name(path p) {
  switch (p) {
    case path::avx512:
      return "avx512";
    case path::avx2:
      return "avx2";
    case path::scalar:
      break;
  }
  return "scalar";
}

bool path_available(path p) {
#if defined(__x86_64__)
  // libgcc's check includes the operating system's support (XCR0) of the registers.
  switch (p) {
    case path::avx512:
      return __builtin_cpu_supports("avx512f");
    case path::avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case path::scalar:
      break;
  }
  return true;
#else
  return p == path::scalar;
#endif
}

namespace {

path resolve() {
  const char* forced = std::getenv("LSGD_SIMD");
  if (forced && *forced) {
    const std::string name = forced;
    for (path p : {path::avx512, path::avx2, path::scalar})
      if (name == path_name(p)) {
        if (!path_available(p))
          throw std::invalid_argument("LSGD_SIMD=" + name + ": this CPU cannot run that path");
        return p;
      }
    throw std::invalid_argument("LSGD_SIMD=" + name + ": expected avx512, avx2 or scalar");
  }
  for (path p : {path::avx512, path::avx2})
    if (path_available(p))
      return p;
  return path::scalar;
}

// force() overrides the choice; -1: not forced.
int forced_path = -1;

} // namespace

path chosen_path() {
  static const path p = resolve();
  return p;
}

const kernel_table& kernels_for(path p) {
  if (!path_available(p))
    throw std::invalid_argument(std::string("SIMD path ") + path_name(p)
                                + " is not available on this CPU");
#if defined(__x86_64__)
  if (p == path::avx512)
    return avx512_kernels;
  if (p == path::avx2)
    return avx2_kernels;
#endif
  return scalar_kernels;
}

const kernel_table& active_kernels() {
  return kernels_for(forced_path >= 0 ? static_cast<path>(forced_path) : chosen_path());
}

path force(path p) {
  kernels_for(p); // throws if unavailable
  const path before = forced_path >= 0 ? static_cast<path>(forced_path) : chosen_path();
  forced_path = static_cast<int>(p);
  return before;
}

} // namespace lsgd::simd
