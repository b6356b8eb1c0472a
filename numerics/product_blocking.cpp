#include "numerics/product_blocking.hpp"

#include <Eigen/Core>

namespace lsgd {

void pin_product_blocking() {
  // 48 KiB is the L1 of the machine the golden outputs were made on (an
  // AVX-512 Xeon). Only the L1 size moves the order of the additions (the
  // depth of a block); the L2 and L3 sizes split rows and columns, pinned too
  // so that nothing about the blocking is read off the machine.
  // Written only when it differs, so that the calls after the first only read
  // what products on other threads read too.
  constexpr long l2 = 2 * 1024 * 1024, l3 = 32 * 1024 * 1024;
  if (Eigen::l1CacheSize() != pinned_l1_bytes || Eigen::l2CacheSize() != l2 ||
      Eigen::l3CacheSize() != l3)
    Eigen::setCpuCacheSizes(pinned_l1_bytes, l2, l3);
}

} // namespace lsgd
