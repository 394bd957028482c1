// Deterministic float64 exp (fdlibm e_exp.c, < 1 ulp) and the power λ^p built on it, the same steps in
// the same order as packages/kernels/src/detexp.ts, so every build gives the same bits.
// Needs -ffp-contract=off and no -ffast-math, as detmath.h.
#ifndef RK_DETEXP_H
#define RK_DETEXP_H
#include "detmath.h"

namespace rk {

static inline double detExp(double x) {
  const double ln2hi = 6.93147180369123816490e-01, ln2lo = 1.90821492927058770002e-10;
  const double invln2 = 1.44269504088896338700e+00;
  const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03, P3 = 6.61375632143793436117e-05;
  const double P4 = -1.65339022054652515390e-06, P5 = 4.13813679705723846039e-08;
  const u32 hw = hiword(x);
  const bool negative = (hw >> 31) != 0;
  const u32 hx = hw & 0x7fffffffu;
  if (hx >= 0x40862E42u) {  // |x| ≥ 709.78, Inf or NaN
    if (x != x) return x;
    if (x > 7.09782712893383973096e+02) return __builtin_inf();
    if (x < -7.45133219101941108420e+02) return 0.0;
  }
  double hi = 0.0, lo = 0.0;
  i32 k = 0;
  if (hx > 0x3fd62e42u) {  // |x| > ln2 / 2: x = k ln2 + r, |r| ≤ ln2 / 2
    if (hx < 0x3FF0A2B2u) {
      hi = negative ? x + ln2hi : x - ln2hi;
      lo = negative ? -ln2lo : ln2lo;
      k = negative ? -1 : 1;
    } else {
      k = (i32)(invln2 * x + (negative ? -0.5 : 0.5));
      const double t = (double)k;
      hi = x - t * ln2hi;
      lo = t * ln2lo;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000u) {  // |x| < 2^−28
    return 1.0 + x;
  }
  const double t = x * x;
  const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) return k == 1024 ? y * 2.0 * pow2(2046) : y * pow2(k + 1023);
  return y * pow2(k + 1000 + 1023) * pow2(23);  // subnormal result: 2^(k+1000) then 2^−1000
}

// λ^p for λ > 0: exact-rounded IEEE forms for the common p = ±1, ±½, else exp(p log λ).
static inline double detPow(double lambda, double p) {
  if (p == 1.0) return lambda;
  if (p == -1.0) return 1.0 / lambda;
  if (p == 0.5) return __builtin_sqrt(lambda);
  if (p == -0.5) return 1.0 / __builtin_sqrt(lambda);
  return detExp(p * detLog(lambda));
}

}  // namespace rk
#endif
