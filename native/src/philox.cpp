// Philox stream kernels: words, uniforms, integers in a range and Box–Muller normals, each consuming
// words exactly as the same method of @repkit/core's Philox, so results are bit-identical.
#include "philox.h"
#include "detmath.h"

RK_EXPORT void rk_philox_u32(u32* state, u32* out, u32 n) {
  rk::Stream s(state);
  for (u32 i = 0; i < n; i++) out[i] = s.next();
  s.save(state);
}

RK_EXPORT void rk_philox_uniform(u32* state, double* out, u32 n, double lo, double hi) {
  rk::Stream s(state);
  for (u32 i = 0; i < n; i++) out[i] = lo + (hi - lo) * s.uniform();
  s.save(state);
}

// lo + span must stay within int32 (checked by the caller); the store wraps as Int32Array does.
RK_EXPORT void rk_philox_integer(u32* state, i32* out, u32 n, double lo, double span) {
  rk::Stream s(state);
  const i64 base = (i64)lo;
  const u64 width = (u64)span;
  for (u32 i = 0; i < n; i++) out[i] = (i32)(u32)(u64)(base + (i64)s.below(width));
  s.save(state);
}

RK_EXPORT void rk_philox_normal(u32* state, double* out, u32 n, double mean, double std) {
  rk::Stream s(state);
  for (u32 i = 0; i < n; i += 2) {
    const double u1 = 1.0 - s.uniform();
    const double u2 = s.uniform();
    const double r = rk::detSqrt(-2.0 * rk::detLog(u1));
    double sn, cs;
    rk::detSinCos2Pi(u2, &sn, &cs);
    out[i] = mean + std * (r * cs);
    if (i + 1 < n) out[i + 1] = mean + std * (r * sn);
  }
  s.save(state);
}
