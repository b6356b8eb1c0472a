// The kernels on the plain path: one lane at a time, built for the baseline ISA.
#include "numerics/simd/lane_kernels.hpp"
#include "numerics/simd/linear_kernels.hpp"
#include "numerics/simd/scalar_lanes.hpp"

namespace lsgd::simd {

const kernel_table scalar_kernels{
  path::scalar, 1, &lanes::normals<scalar_lanes>, &lanes::stream_normals<scalar_lanes>, &lanes::stream_words<scalar_lanes>,
   &lanes::skewed<scalar_lanes, 4>,
  &lanes::noisy<scalar_lanes, 2>, &lanes::linear_steps<scalar_lanes>, &lanes::softplus<scalar_lanes>,
  &lanes::lane_words<scalar_lanes>};

} // namespace lsgd::simd
