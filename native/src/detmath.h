// Deterministic float64 log, sqrt and sin/cos(2πu): the same operations, in the same order, as
// packages/core/src/rng/detmath.ts, so all builds give bit-identical normals. fdlibm kernels, < 1 ulp.
// Needs -ffp-contract=off and no -ffast-math: a fused multiply-add would change the last bits.
#ifndef RK_DETMATH_H
#define RK_DETMATH_H
#include "rk.h"

namespace rk {

union Bits { double f; u64 i; };

static inline u32 hiword(double x) { Bits b; b.f = x; return (u32)(b.i >> 32); }
static inline double withHi(double x, u32 hi) { Bits b; b.f = x; b.i = ((u64)hi << 32) | (b.i & 0xffffffffu); return b.f; }
static inline double pow2(i32 biased) { Bits b; b.i = (u64)(u32)biased << 52; return b.f; }

static inline double detLog(double x) {
  const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
  const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01;
  const double Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01;
  const double Lg7 = 1.479819860511658591e-01;
  u32 hx = hiword(x);
  if (hx < 0x00100000u || hx >= 0x7ff00000u) return __builtin_nan("");
  hx += 0x3ff00000u - 0x3fe6a09eu;
  const i32 k = (i32)(hx >> 20) - 0x3ff;
  const double f = withHi(x, (hx & 0x000fffffu) + 0x3fe6a09eu) - 1.0;
  const double hfsq = 0.5 * f * f;
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const double t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  const double R = t2 + t1;
  const double dk = (double)k;
  return s * (hfsq + R) + dk * ln2_lo - hfsq + f + dk * ln2_hi;
}

static inline double detSqrt(double x) {
  if (x == 0.0) return 0.0;
  const u32 hx = hiword(x);
  if (hx < 0x00100000u || hx >= 0x7ff00000u) return __builtin_nan("");
  const i32 e = (i32)(hx >> 20) - 1023;
  const i32 half = e >> 1;  // arithmetic shift: floor(e / 2), as JS `>>`
  const double m = withHi(x, (hx & 0x000fffffu) | ((u32)(e - 2 * half + 1023) << 20));
  double g = (m + 2.0) / 3.0;
  g = 0.5 * (g + m / g);
  g = 0.5 * (g + m / g);
  g = 0.5 * (g + m / g);
  const double p = g * g, c = 134217729.0 * g, gh = c - (c - g), gl = g - gh;
  const double err = ((gh * gh - p) + 2.0 * gh * gl) + gl * gl;
  g = g + ((m - p) - err) / (2.0 * g);
  return g * pow2(half + 1023);
}

static inline double kSin(double x) {
  const double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03, S3 = -1.98412698298579493134e-04;
  const double S4 = 2.75573137070700676789e-06, S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
  const double z = x * x, w = z * z;
  const double r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  return x + z * x * (S1 + z * r);
}

static inline double kCos(double x) {
  const double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03, C3 = 2.48015872894767294178e-05;
  const double C4 = -2.75573143513906633035e-07, C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
  const double z = x * x, w = z * z;
  const double r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const double hz = 0.5 * z, v = 1.0 - hz;
  return v + (((1.0 - v) - hz) + z * r);
}

// sin and cos of 2πu for u in [0, 1): exact reduction by octant, since u is a fraction of a turn.
static inline void detSinCos2Pi(double u, double* s, double* c) {
  const double PIO4 = 7.85398163397448278999e-01;
  const double t = u * 8.0;
  const i32 o = (i32)t;
  const double f = t - (double)o;
  double sp, cp;
  if ((o & 1) == 0) {
    const double x = f * PIO4;
    sp = kSin(x); cp = kCos(x);
  } else {
    const double x = (1.0 - f) * PIO4;
    sp = kCos(x); cp = kSin(x);
  }
  switch ((o >> 1) & 3) {
    case 0: *s = sp; *c = cp; break;
    case 1: *s = cp; *c = -sp; break;
    case 2: *s = -sp; *c = -cp; break;
    default: *s = -cp; *c = sp; break;
  }
}

}  // namespace rk
#endif
