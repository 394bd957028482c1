// Row moves between a host embedding table (rows of `stride` floats) and a packed batch buffer: one
// `width`-float span at `offset` of each listed row. Pure copies (bit-exact by construction); the rows
// are random, so the next rows are prefetched while one is copied: the copy is memory-latency bound.
#include <string.h>
#include "rk.h"

namespace {

const u32 AHEAD = 6;  // rows prefetched ahead; 4–8 measured alike on Zen 4 (bench kernels)

inline void prefetchRow(const float* p, u32 width) {
  const char* c = reinterpret_cast<const char*>(p);
  for (u32 b = 0; b < width * 4; b += 64) __builtin_prefetch(c + b);
}

}  // namespace

RK_EXPORT void rk_gather_rows(const float* table, u32 stride, const i32* ids, u32 n, u32 offset, u32 width, float* out) {
  for (u32 i = 0; i < n; i++) {
    if (i + AHEAD < n) prefetchRow(table + (u64)ids[i + AHEAD] * stride + offset, width);
    memcpy(out + (u64)i * width, table + (u64)ids[i] * stride + offset, (u64)width * 4);
  }
}

RK_EXPORT void rk_scatter_rows(float* table, u32 stride, const i32* ids, u32 n, u32 offset, u32 width, const float* from) {
  for (u32 i = 0; i < n; i++) {
    if (i + AHEAD < n) prefetchRow(table + (u64)ids[i + AHEAD] * stride + offset, width);
    memcpy(table + (u64)ids[i] * stride + offset, from + (u64)i * width, (u64)width * 4);
  }
}

// In-place optimizer steps on table rows, each followed by the row's projection while it is in cache:
// the same float32 expressions, in the same order, as @repkit/core's updateRowsPacked (row-rules.ts), so
// both give identical floats (-ffp-contract=off); loop-invariant branches are hoisted so loops vectorise.
namespace {

template <bool Decay, bool Decoupled>
inline void adamRow(float* p, float* m, float* v, const float* g, u32 width, float b1, float c1, float b2, float c2b, float eps, float wd,
                    float alpha, float c2, float shrink) {
  for (u32 j = 0; j < width; j++) {
    const float x = p[j];
    const float d = Decay && !Decoupled ? g[j] + x * wd : g[j];
    const float y = Decay && Decoupled ? x - x * shrink : x;
    const float mj = m[j] * b1 + d * c1;
    const float vj = v[j] * b2 + d * d * c2b;
    m[j] = mj;
    v[j] = vj;
    p[j] = y - mj * alpha / (__builtin_sqrtf(vj) / c2 + eps);
  }
}

// Each `segment`-float piece of the span at `a`: unit L2 norm (max ≤ 0) or norm clamped to max, as core's
// projectRow: float32, the sum of squares in 8 lanes (element j in lane j mod 8) added pairwise.
inline void projectRow(float* a, u32 width, u32 segment, float cap, bool unit) {
  const float tiny = (float)1e-12;
  for (float* end = a + width; a < end; a += segment) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    u32 j = 0;
    for (; j + 8 <= segment; j += 8)
      for (u32 l = 0; l < 8; l++) acc[l] += a[j + l] * a[j + l];
    for (; j < segment; j++) acc[j & 7] += a[j] * a[j];
    const float ss = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
    const float norm = __builtin_sqrtf(ss), den = norm != norm || norm > tiny ? norm : tiny;  // NaN stays NaN, as Math.max
    if (unit) {
      for (u32 k = 0; k < segment; k++) a[k] = a[k] / den;
    } else if (norm > cap) {
      const float f = cap / den;
      for (u32 k = 0; k < segment; k++) a[k] = a[k] * f;
    }
  }
}

}  // namespace

RK_EXPORT void rk_update_rows(float* table, u32 stride, const i32* ids, u32 n, u32 width, const float* grad, u32 code, const double* params,
                              u32 segment, double max) {
  double q[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // read once: the table's writes cannot change the rule mid-way
  for (u32 k = 0; k < (code == 0 ? 8u : code == 1 ? 3u : 5u); k++) q[k] = params[k];
  const float cap = (float)max;
  const bool unit = max <= 0;
  for (u32 i = 0; i < n; i++) {
    if (i + AHEAD < n) prefetchRow(table + (u64)ids[i + AHEAD] * stride, stride);
    float* p = table + (u64)ids[i] * stride;
    const float* g = grad + (u64)i * width;
    if (code == 0) {  // adam [β1, β2, ε, wd, decoupled, α, c2, lr]
      const float b1 = (float)q[0], c1 = (float)(1 - q[0]), b2 = (float)q[1], c2b = (float)(1 - q[1]), eps = (float)q[2], wd = (float)q[3];
      const float alpha = (float)q[5], c2 = (float)q[6], shrink = (float)q[7] * wd;
      float *m = p + width, *v = p + 2 * width;
      if (q[3] == 0) adamRow<false, false>(p, m, v, g, width, b1, c1, b2, c2b, eps, wd, alpha, c2, shrink);
      else if (q[4] != 0) adamRow<true, true>(p, m, v, g, width, b1, c1, b2, c2b, eps, wd, alpha, c2, shrink);
      else adamRow<true, false>(p, m, v, g, width, b1, c1, b2, c2b, eps, wd, alpha, c2, shrink);
    } else if (code == 1) {  // adagrad [ε, wd, lr]
      const float eps = (float)q[0], wd = (float)q[1], lr = (float)q[2];
      const bool decay = q[1] != 0;
      float* s = p + width;
      for (u32 j = 0; j < width; j++) {
        const float x = p[j];
        const float d = decay ? g[j] + x * wd : g[j];
        const float sj = s[j] + d * d;
        s[j] = sj;
        p[j] = x - d * lr / (__builtin_sqrtf(sj) + eps);
      }
    } else {  // sgd [momentum, dampening, nesterov, wd, lr]
      const float momentum = (float)q[0], damp = (float)(1 - q[1]), wd = (float)q[3], lr = (float)q[4];
      const bool plain = q[0] == 0, nesterov = q[2] != 0, decay = q[3] != 0;
      float* b = p + width;
      for (u32 j = 0; j < width; j++) {
        const float x = p[j];
        const float d = decay ? g[j] + x * wd : g[j];
        if (plain) {
          p[j] = x - d * lr;
          continue;
        }
        const float buf = b[j] * momentum + d * damp;
        b[j] = buf;
        p[j] = x - (nesterov ? d + buf * momentum : buf) * lr;
      }
    }
    if (segment) projectRow(p, width, segment, cap, unit);
  }
}
