// CSR adjacency from an edge list by counting sort (stable in edge order); optionally each row sorted
// (heap sort: no C library here) and deduplicated. The result is unique, so every build agrees.
#include "rk.h"

namespace {

void siftDown(i32* a, u32 size, u32 i) {
  for (;;) {
    u32 big = i;
    const u32 l = 2 * i + 1, r = l + 1;
    if (l < size && a[l] > a[big]) big = l;
    if (r < size && a[r] > a[big]) big = r;
    if (big == i) return;
    const i32 t = a[i]; a[i] = a[big]; a[big] = t;
    i = big;
  }
}

void sortRow(i32* a, u32 size) {
  for (u32 i = size / 2; i-- > 0;) siftDown(a, size, i);
  for (u32 end = size; end > 1; end--) {
    const i32 t = a[0]; a[0] = a[end - 1]; a[end - 1] = t;
    siftDown(a, end - 1, 0);
  }
}

}  // namespace

RK_EXPORT u32 rk_csr(const i32* src, const i32* dst, u32 m, u32 n, i32* offsets, i32* indices, u32 dedupe) {
  for (u32 i = 0; i <= n; i++) offsets[i] = 0;
  for (u32 j = 0; j < m; j++) offsets[src[j] + 1]++;
  for (u32 i = 0; i < n; i++) offsets[i + 1] += offsets[i];
  // Place edges with offsets[s] as a cursor, then shift the cursors back to row starts.
  for (u32 j = 0; j < m; j++) indices[offsets[src[j]]++] = dst[j];
  for (u32 i = n; i > 0; i--) offsets[i] = offsets[i - 1];
  offsets[0] = 0;
  if (!dedupe) return m;
  u32 w = 0;
  for (u32 i = 0; i < n; i++) {
    const u32 a = (u32)offsets[i], b = (u32)offsets[i + 1];
    sortRow(indices + a, b - a);
    offsets[i] = (i32)w;
    for (u32 j = a; j < b; j++) {
      if (j == a || indices[j] != indices[j - 1]) indices[w++] = indices[j];
    }
  }
  offsets[n] = (i32)w;
  return w;
}
