// exp, log and cos that give the same bits on every machine, for the scalar
// code outside the SIMD kernels. glibc's exp, log, cos and pow pick an FMA
// variant at run time, and it differs in the last bits from the plain one:
// F* of digits changed on a CPU without FMA (tested by golden_no_fma). These
// are the kernels' own polynomials (numerics/simd/*_math.hpp) on one lane.
#pragma once

namespace lsgd {

/// e^t for t <= 0 (NaN gives NaN), within about 1 ulp; 0 below -746.
double portable_exp_nonpositive(double t);

/// e^x for any x: e^x, or 1 / e^-x for x > 0 (within about 2 ulp, +inf
/// above 709.8; less precise above 708.4, where e^-x is subnormal).
double portable_exp(double x);

/// log(x) for normal x > 0 (fdlibm's algorithm); NaN for NaN.
double portable_log(double x);

/// cos(2 pi u) for u in [0, 1).
double portable_cos_2pi(double u);

} // namespace lsgd
