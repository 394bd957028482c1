// Batched augmentation of small grayscale images (ssl-semi.md §5): integer shifts (weak α), the strong
// chain A (affine warp, contrast, noise, cutout) and quarter turns. Images are float32 n×h×w, row v
// down, column u right, centre ((h−1)/2, (w−1)/2). The warp and the noise are float64 in a fixed
// operation order with detmath.h's sin/cos and log/sqrt, so native, wasm and TypeScript (ts-augment.ts)
// agree bit for bit; the draw order per image is documented in packages/kernels/src/kernels.ts.
#include "philox.h"
#include "detmath.h"

namespace {

// floor for |x| < 2^31 without the C library (SSE2 has no rounding instruction; -O3 would call libm).
inline i32 floorInt(double x) {
  const i32 i = (i32)x;
  return (double)i > x ? i - 1 : i;
}

inline double between(double lo, double hi, double u) { return lo + (hi - lo) * u; }

inline double clip01(double y) { return y < 0.0 ? 0.0 : y > 1.0 ? 1.0 : y; }

// The inverse map p ↦ c + R(−φ)(p − c − t)/s as coefficients a = cos φ / s, b = sin φ / s.
struct Affine { double a, b, cu, cv, tx, ty; };

inline Affine affine(double deg, double scale, double tx, double ty, u32 h, u32 w) {
  double sn, cs;
  // |φ| ≤ 180°: as a fraction of a turn in [0, ½] the reduction in detSinCos2Pi is exact; + 0.0 turns
  // −0 into +0, where (i32) and Math.floor would disagree on the sign of the remainder.
  rk::detSinCos2Pi((deg < 0.0 ? -deg : deg) / 360.0 + 0.0, &sn, &cs);
  if (deg < 0.0) sn = -sn;
  return {cs / scale, sn / scale, 0.5 * (double)(w - 1), 0.5 * (double)(h - 1), tx, ty};
}

inline double pixel(const float* x, u32 h, u32 w, i32 v, i32 u) {
  return v >= 0 && v < (i32)h && u >= 0 && u < (i32)w ? (double)x[(u64)v * w + (u32)u] : 0.0;
}

// Bilinear sample for output pixel (v, u), zero outside: torch grid_sample (align_corners = False,
// padding zeros) in pixel units, where pixel centres sit at integers.
inline double warp(const float* x, u32 h, u32 w, const Affine& A, u32 v, u32 u) {
  const double du = ((double)u - A.cu) - A.tx, dv = ((double)v - A.cv) - A.ty;
  const double su = A.cu + (A.a * du + A.b * dv), sv = A.cv + (A.a * dv - A.b * du);
  if (!(su > -1.0 && su < (double)w && sv > -1.0 && sv < (double)h)) return 0.0;
  const i32 x0 = floorInt(su), y0 = floorInt(sv);
  const double gx = su - (double)x0, gy = sv - (double)y0;
  const double top = (1.0 - gx) * pixel(x, h, w, y0, x0) + gx * pixel(x, h, w, y0, x0 + 1);
  const double bottom = (1.0 - gx) * pixel(x, h, w, y0 + 1, x0) + gx * pixel(x, h, w, y0 + 1, x0 + 1);
  return (1.0 - gy) * top + gy * bottom;
}

}  // namespace

RK_EXPORT void rk_shift_images(u32* state, const float* x, u32 n, u32 h, u32 w, u32 maxShift, float* out) {
  rk::Stream s(state);
  const u64 hw = (u64)h * w, span = 2 * (u64)maxShift + 1;
  for (u32 i = 0; i < n; i++) {
    const i64 dx = (i64)s.below(span) - maxShift, dy = (i64)s.below(span) - maxShift;
    const float* xi = x + i * hw;
    // Row v copies source row v − dy over the columns [lo, hi) whose source u − dx is inside; the rest is 0.
    const i64 lo = dx > 0 ? (dx < (i64)w ? dx : (i64)w) : 0, hi = dx < 0 ? ((i64)w + dx > lo ? (i64)w + dx : lo) : (i64)w;
    for (u32 v = 0; v < h; v++) {
      const i64 sv = (i64)v - dy;
      float* o = out + i * hw + (u64)v * w;
      const bool inside = sv >= 0 && sv < (i64)h;
      for (i64 u = 0; u < (i64)w; u++) o[u] = inside && u >= lo && u < hi ? xi[(u64)sv * w + (u64)(u - dx)] : 0.0f;
    }
  }
  s.save(state);
}

// params: 4 per image (rotation in degrees, scale, tx, ty); out is float64 (the warp stage of A).
RK_EXPORT void rk_warp_images(const float* x, u32 n, u32 h, u32 w, const double* params, double* out) {
  const u64 hw = (u64)h * w;
  for (u32 i = 0; i < n; i++) {
    const double* q = params + 4 * (u64)i;
    const Affine A = affine(q[0], q[1], q[2], q[3], h, w);
    for (u32 v = 0; v < h; v++) {
      for (u32 u = 0; u < w; u++) out[i * hw + (u64)v * w + u] = warp(x + i * hw, h, w, A, v, u);
    }
  }
}

// o: maxRotationDeg, scale lo, scale hi, maxTranslate, contrast lo, contrast hi, noiseStd, cutout.
RK_EXPORT void rk_strong_augment(u32* state, const float* x, u32 n, u32 h, u32 w, const double* o, float* out) {
  rk::Stream s(state);
  const u64 hw = (u64)h * w;
  const i32 cut = (i32)o[7];
  for (u32 i = 0; i < n; i++) {
    const float* xi = x + i * hw;
    float* oi = out + i * hw;
    const double deg = between(-o[0], o[0], s.uniform());
    const double scale = between(o[1], o[2], s.uniform());
    const double tx = between(-o[3], o[3], s.uniform());
    const double ty = between(-o[3], o[3], s.uniform());
    const double gain = between(o[4], o[5], s.uniform());
    const Affine A = affine(deg, scale, tx, ty, h, w);
    u32 v = 0, u = 0;  // the pixel of j, row-major
    for (u64 p = 0; p < hw; p += 2) {
      // One Box–Muller pair per two pixels, as Philox.normals(h·w, 0, noiseStd).
      const double u1 = 1.0 - s.uniform();
      const double u2 = s.uniform();
      const double r = rk::detSqrt(-2.0 * rk::detLog(u1));
      double sn, cs;
      rk::detSinCos2Pi(u2, &sn, &cs);
      for (u64 j = p; j < p + 2 && j < hw; j++) {
        const double z = 0.0 + o[6] * (r * (j == p ? cs : sn));
        const double y = clip01(warp(xi, h, w, A, v, u) * gain);
        oi[j] = (float)clip01(y + z);
        if (++u == w) { u = 0; v++; }
      }
    }
    const i32 cx = (i32)s.below(w) - 1, cy = (i32)s.below(h) - 1;
    for (i32 v = cy < 0 ? 0 : cy; v < cy + cut && v < (i32)h; v++) {
      for (i32 u = cx < 0 ? 0 : cx; u < cx + cut && u < (i32)w; u++) oi[(u64)v * w + (u32)u] = 0.0f;
    }
  }
  s.save(state);
}

// k[i] in 0..3 counter-clockwise quarter turns (np.rot90 on the spatial axes); odd k needs h = w.
RK_EXPORT void rk_rotate90(const float* x, u32 n, u32 h, u32 w, const i32* k, float* out) {
  const u64 hw = (u64)h * w;
  for (u32 i = 0; i < n; i++) {
    const float* m = x + i * hw;
    float* oi = out + i * hw;
    const i32 t = k[i] & 3;
    const u32 oh = t & 1 ? w : h, ow = t & 1 ? h : w;
    // out[r, c] = m[start + r·dr + c·dc]: t = 1 reads m[c, w−1−r], 2 m[h−1−r, w−1−c], 3 m[h−1−c, r].
    const i64 W = (i64)w, H = (i64)h;
    const i64 start = t == 0 ? 0 : t == 1 ? W - 1 : t == 2 ? H * W - 1 : (H - 1) * W;
    const i64 dr = t == 0 ? W : t == 1 ? -1 : t == 2 ? -W : 1;
    const i64 dc = t == 0 ? 1 : t == 1 ? W : t == 2 ? -1 : -W;
    for (u32 r = 0; r < oh; r++) {
      const float* from = m + start + (i64)r * dr;
      for (u32 c = 0; c < ow; c++) oi[(u64)r * ow + c] = from[(i64)c * dc];
    }
  }
}
