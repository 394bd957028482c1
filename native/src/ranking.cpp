// Filtered rank evaluation (Bordes et al. 2013; optimistic / pessimistic / realistic as in PyKEEN,
// Berrendorf et al. 2020) and top-k per row. Pure comparisons: exact in every build.
#include "rk.h"

RK_EXPORT u32 rk_filtered_ranks(const double* scores, u32 B, u32 E, const i32* trueIds, const i32* offsets,
                                const i32* ids, double* optimistic, double* pessimistic, double* realistic) {
  u32 nan = 0;
  for (u32 b = 0; b < B; b++) {
    const double* row = scores + (u64)b * E;
    const u32 truth = (u32)trueIds[b];
    const double st = row[truth];
    if (st != st) nan++;
    u32 p = (u32)offsets[b];
    const u32 end = (u32)offsets[b + 1];
    u64 greater = 0, notLess = 0;
    for (u32 e = 0; e < E; e++) {
      // Known answers (sorted) other than the truth are filtered out.
      if (p < end && (u32)ids[p] == e) {
        while (p < end && (u32)ids[p] == e) p++;
        continue;
      }
      if (e == truth) continue;
      const double s = row[e];
      if (s != s) nan++;
      greater += s > st;
      notLess += s >= st;
    }
    optimistic[b] = 1.0 + (double)greater;
    pessimistic[b] = 1.0 + (double)notLess;
    realistic[b] = 0.5 * (optimistic[b] + pessimistic[b]);
  }
  return nan;
}

namespace {

// a ranks before b: larger value, then lower index.
inline bool before(double va, i32 ia, double vb, i32 ib) { return va > vb || (va == vb && ia < ib); }

// Min-heap on "before": the root is the worst of the kept k.
void siftDown(double* v, i32* ix, u32 size, u32 i) {
  for (;;) {
    u32 worst = i;
    const u32 l = 2 * i + 1, r = l + 1;
    if (l < size && before(v[worst], ix[worst], v[l], ix[l])) worst = l;
    if (r < size && before(v[worst], ix[worst], v[r], ix[r])) worst = r;
    if (worst == i) return;
    const double tv = v[i]; v[i] = v[worst]; v[worst] = tv;
    const i32 ti = ix[i]; ix[i] = ix[worst]; ix[worst] = ti;
    i = worst;
  }
}

}  // namespace

RK_EXPORT u32 rk_topk(const double* x, u32 B, u32 n, u32 k, i32* idx, double* val) {
  u32 nan = 0;
  for (u32 b = 0; b < B; b++) {
    const double* row = x + (u64)b * n;
    double* v = val + (u64)b * k;
    i32* ix = idx + (u64)b * k;
    for (u32 i = 0; i < k; i++) { v[i] = row[i]; ix[i] = (i32)i; if (row[i] != row[i]) nan++; }
    for (u32 i = k / 2; i-- > 0;) siftDown(v, ix, k, i);
    for (u32 i = k; i < n; i++) {
      const double s = row[i];
      if (s != s) { nan++; continue; }
      if (k > 0 && before(s, (i32)i, v[0], ix[0])) { v[0] = s; ix[0] = (i32)i; siftDown(v, ix, k, 0); }
    }
    // Heap sort: move the worst to the end repeatedly, leaving the best first.
    for (u32 end = k; end > 1; end--) {
      const double tv = v[0]; v[0] = v[end - 1]; v[end - 1] = tv;
      const i32 ti = ix[0]; ix[0] = ix[end - 1]; ix[end - 1] = ti;
      siftDown(v, ix, end - 1, 0);
    }
  }
  return nan;
}
