// KGE negative sampling (Bordes et al. 2013 uniform; Wang et al. 2014 "TransH" Bernoulli): per negative,
// a 53-bit uniform decides head or tail, then an integer in [0, E − 1) skips over the true entity,
// so the true entity is never drawn and no draw is rejected for it.
#include "philox.h"

RK_EXPORT void rk_negatives(u32* state, const i32* triples, u32 n, u32 numEntities, u32 k,
                            const double* pHead, i32* out) {
  rk::Stream s(state);
  const u64 span = (u64)numEntities - 1;
  for (u32 i = 0; i < n; i++) {
    const i32 h = triples[3 * i], r = triples[3 * i + 1], t = triples[3 * i + 2];
    const double p = pHead ? pHead[r] : 0.5;
    for (u32 j = 0; j < k; j++) {
      i32* o = out + 3 * ((u64)i * k + j);
      const bool head = s.uniform() < p;
      const i32 truth = head ? h : t;
      i32 x = (i32)s.below(span);
      if (x >= truth) x++;
      o[0] = head ? x : h;
      o[1] = r;
      o[2] = head ? t : x;
    }
  }
  s.save(state);
}

// Up to k distinct neighbours of each seed (GraphSAGE-style), by Floyd's algorithm: k draws per seed
// whatever its degree, no scratch memory. A seed with at most k neighbours keeps all of them, in CSR
// order, and draws nothing. out holds k slots per seed, padded with −1; counts[i] says how many are set.
RK_EXPORT void rk_sample_neighbors(u32* state, const i32* offsets, const i32* indices, const i32* seeds, u32 n, u32 k,
                                   i32* out, i32* counts) {
  rk::Stream s(state);
  for (u32 i = 0; i < n; i++) {
    const i32 start = offsets[seeds[i]];
    const u32 deg = (u32)(offsets[seeds[i] + 1] - start);
    i32* o = out + (u64)i * k;
    if (deg <= k) {
      for (u32 j = 0; j < k; j++) o[j] = j < deg ? indices[start + j] : -1;
      counts[i] = (i32)deg;
      continue;
    }
    // Floyd: for j = deg−k .. deg−1 draw t in [0, j]; take t unless already taken, else take j.
    // Positions are held in o[] while drawing, mapped to neighbour ids at the end.
    u32 m = 0;
    for (u32 j = deg - k; j < deg; j++) {
      const i32 t = (i32)s.below((u64)j + 1);
      bool taken = false;
      for (u32 c = 0; c < m; c++) taken = taken || o[c] == t;
      o[m++] = taken ? (i32)j : t;
    }
    for (u32 c = 0; c < k; c++) o[c] = indices[start + o[c]];
    counts[i] = (i32)k;
  }
  s.save(state);
}
