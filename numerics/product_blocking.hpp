// Eigen's matrix products give the same bits on every machine.
#pragma once

namespace lsgd {

/// Eigen splits the inner dimension of a matrix product into blocks sized by
/// the L1 cache it reads off the CPU, and each block is summed on its own: a
/// 32 KiB and a 48 KiB L1 give products, F* and step sizes that differ in the
/// last bits. This fixes the sizes Eigen uses, the same on every machine.
/// Every objective and finite sum calls it when constructed; an objective of
/// your own that derives from `objective` gets it too.
void pin_product_blocking();

/// The L1 size the blocking is pinned to (bytes).
constexpr long pinned_l1_bytes = 48 * 1024;

} // namespace lsgd
