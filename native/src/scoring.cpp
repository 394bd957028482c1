// Fused, chunked 1-vs-all distance scores: out[b*E + e] = −‖q_b − ent_e‖ (L1, L2 or squared L2),
// never materialising B×E×d. Each distance is two interleaved partial sums (even and odd
// coordinates; an odd last coordinate joins the even sum), added at the end: the order the
// TypeScript fallback follows, so all builds agree bit for bit. On x86-64 the addon also has an AVX2
// path (below), picked at run time when the CPU has it, with the same sums in the same order.
#include "simd.h"

namespace {

using namespace rk;

const u32 CHUNK = 128;  // candidates per chunk: 128 rows of d = 100 (100 KiB) stay in L2 across queries

template <int M> inline f64x2 term(f64x2 q, f64x2 e, f64x2 mask) {
  const f64x2 t = sub2(q, e);
  return M == 0 ? abs2(t, mask) : mul2(t, t);
}

template <int M> inline double term1(double q, double e) {
  const double t = q - e;
  return M == 0 ? __builtin_fabs(t) : t * t;
}

template <int M> inline double finish(f64x2 acc, const double* q, const double* e, u32 d) {
  double s0 = lane0(acc);
  const double s1 = lane1(acc);
  if (d & 1) s0 += term1<M>(q[d - 1], e[d - 1]);
  const double s = s0 + s1;
  return M == 1 ? -__builtin_sqrt(s) : -s;
}

// QB queries against one candidate: the candidate row is loaded once for QB queries, whose rows stay
// in L1; QB = 4 measured fastest with GCC 12 and clang 14 (8 accumulators spill on SSE2).
template <int M, int QB> void block(const double* q, u32 d, const double* e, double* o, u32 E) {
  f64x2 m = signmask2();
  f64x2 acc[QB];
  for (int i = 0; i < QB; i++) acc[i] = zero2();
  for (u32 k = 0; k + 1 < d; k += 2) {
    const f64x2 v = load2(e + k);
    for (int i = 0; i < QB; i++) acc[i] = add2(acc[i], term<M>(load2(q + (u64)i * d + k), v, m));
  }
  for (int i = 0; i < QB; i++) o[(u64)i * E] = finish<M>(acc[i], q + (u64)i * d, e, d);
}

template <int M> void scoreAll(const double* q, u32 B, const double* ent, u32 E, u32 d, double* out) {
  for (u32 c0 = 0; c0 < E; c0 += CHUNK) {
    const u32 c1 = c0 + CHUNK < E ? c0 + CHUNK : E;
    u32 b = 0;
    for (; b + 4 <= B; b += 4) {
      for (u32 e = c0; e < c1; e++) block<M, 4>(q + (u64)b * d, d, ent + (u64)e * d, out + (u64)b * E + e, E);
    }
    for (; b < B; b++) {
      for (u32 e = c0; e < c1; e++) block<M, 1>(q + (u64)b * d, d, ent + (u64)e * d, out + (u64)b * E + e, E);
    }
  }
}

#if RK_X86_DISPATCH
// AVX2 (x86-64 addon only, chosen at run time; the file is compiled without -mavx2, so the addon still
// loads on CPUs without it). A 256-bit register holds two candidates' (even, odd) partial sums, so each
// distance still accumulates the same two sums in the same order as above and in the TypeScript
// engine: bit-identical scores, no FMA (only "avx2" is enabled, and -ffp-contract=off). The query's
// two coordinates are broadcast to both halves; 4 queries × 4 candidates per pass is 8 accumulators
// (13 of the 16 ymm registers in use), which keeps both add pipes busy instead of waiting on the add
// latency of 4 chains as the SSE2 block does. Measured on Zen 4 (bench kernels): ~1.4–1.9× the SSE2 path.
#define RK_AVX2 __attribute__((target("avx2")))

template <int M> RK_AVX2 inline __m256d term4(__m256d q, __m256d e, __m256d mask) {
  const __m256d t = _mm256_sub_pd(q, e);
  return M == 0 ? _mm256_andnot_pd(mask, t) : _mm256_mul_pd(t, t);
}

// finish() on two lanes already extracted: the same operations in the same order.
template <int M> inline double finish1(double s0, double s1, const double* q, const double* e, u32 d) {
  if (d & 1) s0 += term1<M>(q[d - 1], e[d - 1]);
  const double s = s0 + s1;
  return M == 1 ? -__builtin_sqrt(s) : -s;
}

// [a[0], a[1], b[0], b[1]]
RK_AVX2 inline __m256d loadPair(const double* a, const double* b) {
  return _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(a)), _mm_loadu_pd(b), 1);
}

RK_AVX2 inline __m256d broadcastPair(const double* p) { return _mm256_broadcast_pd(reinterpret_cast<const __m128d*>(p)); }

template <int M> RK_AVX2 inline void accumulate(__m256d& acc, __m256d q, __m256d e, __m256d mask) {
  acc = _mm256_add_pd(acc, term4<M>(q, e, mask));
}

// QB (1 or 4) queries × CB (2 or 4) candidates. Named accumulators, not an array: GCC 12 otherwise
// stores every accumulator to the stack on each iteration.
template <int M, int QB, int CB> RK_AVX2 void blockAvx2(const double* q, u32 d, const double* e, double* o, u32 E) {
  static_assert((QB == 1 || QB == 4) && (CB == 2 || CB == 4), "blocks are 1 or 4 queries × 2 or 4 candidates");
  const __m256d m = _mm256_set1_pd(-0.0);
  __m256d a00 = _mm256_setzero_pd(), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  const double *q0 = q, *q1 = q + (u64)d, *q2 = q + 2 * (u64)d, *q3 = q + 3 * (u64)d;
  const double *e0 = e, *e1 = e + (u64)d, *e2 = e + 2 * (u64)d, *e3 = e + 3 * (u64)d;
  for (u32 k = 0; k + 1 < d; k += 2) {
    const __m256d v0 = loadPair(e0 + k, e1 + k);
    __m256d v1 = v0;
    if constexpr (CB == 4) v1 = loadPair(e2 + k, e3 + k);
    __m256d b = broadcastPair(q0 + k);
    accumulate<M>(a00, b, v0, m);
    if constexpr (CB == 4) accumulate<M>(a01, b, v1, m);
    if constexpr (QB == 4) {
      b = broadcastPair(q1 + k);
      accumulate<M>(a10, b, v0, m);
      if constexpr (CB == 4) accumulate<M>(a11, b, v1, m);
      b = broadcastPair(q2 + k);
      accumulate<M>(a20, b, v0, m);
      if constexpr (CB == 4) accumulate<M>(a21, b, v1, m);
      b = broadcastPair(q3 + k);
      accumulate<M>(a30, b, v0, m);
      if constexpr (CB == 4) accumulate<M>(a31, b, v1, m);
    }
  }
  // s[(i·2 + j)·4 ..]: query i, candidates 2j and 2j + 1, each as its (even, odd) sums.
  alignas(32) double s[32];
  _mm256_store_pd(s, a00); _mm256_store_pd(s + 4, a01); _mm256_store_pd(s + 8, a10); _mm256_store_pd(s + 12, a11);
  _mm256_store_pd(s + 16, a20); _mm256_store_pd(s + 20, a21); _mm256_store_pd(s + 24, a30); _mm256_store_pd(s + 28, a31);
  for (int i = 0; i < QB; i++) {
    for (int c = 0; c < CB; c++) {
      const double* l = s + 8 * i + 2 * c;
      o[(u64)i * E + c] = finish1<M>(l[0], l[1], q + (u64)i * d, e + (u64)c * d, d);
    }
  }
}

// One row block of QB queries against candidates [c0, c1): 4 at a time, then 2, then 1 (SSE2).
template <int M, int QB> RK_AVX2 void rowAvx2(const double* q, u32 d, const double* ent, u32 c0, u32 c1, double* o, u32 E) {
  u32 e = c0;
  for (; e + 4 <= c1; e += 4) blockAvx2<M, QB, 4>(q, d, ent + (u64)e * d, o + e, E);
  for (; e + 2 <= c1; e += 2) blockAvx2<M, QB, 2>(q, d, ent + (u64)e * d, o + e, E);
  for (; e < c1; e++) block<M, QB>(q, d, ent + (u64)e * d, o + e, E);
}

template <int M> RK_AVX2 void scoreAllAvx2(const double* q, u32 B, const double* ent, u32 E, u32 d, double* out) {
  for (u32 c0 = 0; c0 < E; c0 += CHUNK) {
    const u32 c1 = c0 + CHUNK < E ? c0 + CHUNK : E;
    u32 b = 0;
    for (; b + 4 <= B; b += 4) rowAvx2<M, 4>(q + (u64)b * d, d, ent, c0, c1, out + (u64)b * E, E);
    for (; b < B; b++) rowAvx2<M, 1>(q + (u64)b * d, d, ent, c0, c1, out + (u64)b * E, E);
  }
}
#endif

}  // namespace

#if RK_X86_DISPATCH
RK_EXPORT u32 rk_score_avx2_supported() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") ? 1 : 0;
}

RK_EXPORT u32 rk_score_isa(const double* q, u32 B, const double* ent, u32 E, u32 d, u32 metric, u32 allowAvx2, double* out) {
  if (allowAvx2 && rk_score_avx2_supported()) {
    if (metric == 0) scoreAllAvx2<0>(q, B, ent, E, d, out);
    else if (metric == 1) scoreAllAvx2<1>(q, B, ent, E, d, out);
    else scoreAllAvx2<2>(q, B, ent, E, d, out);
    return 1;
  }
  if (metric == 0) scoreAll<0>(q, B, ent, E, d, out);
  else if (metric == 1) scoreAll<1>(q, B, ent, E, d, out);
  else scoreAll<2>(q, B, ent, E, d, out);
  return 0;
}

RK_EXPORT void rk_score(const double* q, u32 B, const double* ent, u32 E, u32 d, u32 metric, double* out) {
  rk_score_isa(q, B, ent, E, d, metric, 1, out);
}
#else
RK_EXPORT void rk_score(const double* q, u32 B, const double* ent, u32 E, u32 d, u32 metric, double* out) {
  if (metric == 0) scoreAll<0>(q, B, ent, E, d, out);
  else if (metric == 1) scoreAll<1>(q, B, ent, E, d, out);
  else scoreAll<2>(q, B, ent, E, d, out);
}
#endif
