// What most objectives' key tables share: the start x0 and the limit on d.
// For built-in and users' objectives alike.
#pragma once

#include "runtime/config/key_table.hpp"

#include <cstdint>
#include <vector>

namespace lsgd {

/// 80 MB per vector of d doubles; configs/cluster has d = 1e6.
constexpr int64_t max_dimension = 10'000'000;

/// x0: d numbers or one for all. Add .needed() where there is no default.
key_spec x0_key();

/// x0 of `v` at length d (one number repeated; absent: all zero); sets the
/// resolved value for the echo. Fails at x0 if the length is neither 1 nor d;
/// `what_d` explains d in that error (default: "the dimension is d").
std::vector<double> resolve_x0(values& v, size_t d, const std::string& what_d = "");

} // namespace lsgd
