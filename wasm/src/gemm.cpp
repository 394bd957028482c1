// Float32 matrix product over tfjs-backend-wasm's heap, whose memory this module imports:
// C[M,N] = op(A)·op(B) (+ bias[N]) (then relu), A(i,k) at a[i*as_i + k*as_k], B(k,j) at b[k*bs_k + j*bs_j].
// The module keeps no data and uses no stack in that memory: every buffer, scratch included, is the caller's.
// Each C(i,j) is the sum over k in order from 0, then + bias, then relu: the unfused chain's rounding.
#include <wasm_simd128.h>

typedef unsigned int u32;

namespace {

// A 4×8 tile holds 8 accumulators: with 12 (6×8, 4×12) V8's x64 code spilled and ran 30 % slower (measured).
constexpr u32 MR = 4, NR = 8;
// B's panels are read in place (row-major B) for up to 64 rows of A, packed beyond: at K = N = 256, in
// place took 7.9 against 29 µs for one row and ran even at 64; packing won 7 % at 400 rows (measured).
constexpr u32 IN_PLACE_ROWS = 64;

// relu as x < 0 ? 0 : x: NaN stays NaN (its payload may differ between the vector and scalar epilogues).
inline v128_t relu4(v128_t x) { return wasm_v128_bitselect(wasm_f32x4_splat(0.f), x, wasm_f32x4_lt(x, wasm_f32x4_splat(0.f))); }
inline float relu1(float x) { return x < 0.f ? 0.f : x; }

// R rows × 8 columns: A's rows read at a + r*ra + k*ka, B's 8 columns at bp[k*bk … k*bk + 7].
template <u32 R>
inline void tile(u32 K, const float* a, u32 ra, u32 ka, const float* bp, u32 bk, const float* bias, bool relu, float* c, u32 rc) {
  v128_t s0[R], s1[R];
  for (u32 r = 0; r < R; r++) s0[r] = s1[r] = wasm_f32x4_splat(0.f);
  for (u32 k = 0; k < K; k++) {
    const v128_t b0 = wasm_v128_load(bp + bk * k), b1 = wasm_v128_load(bp + bk * k + 4);
    const float* ak = a + k * ka;
    for (u32 r = 0; r < R; r++) {
      const v128_t x = wasm_v128_load32_splat(ak + r * ra);
      s0[r] = wasm_f32x4_add(s0[r], wasm_f32x4_mul(x, b0));
      s1[r] = wasm_f32x4_add(s1[r], wasm_f32x4_mul(x, b1));
    }
  }
  for (u32 r = 0; r < R; r++) {
    if (bias) {
      s0[r] = wasm_f32x4_add(s0[r], wasm_v128_load(bias));
      s1[r] = wasm_f32x4_add(s1[r], wasm_v128_load(bias + 4));
    }
    if (relu) {
      s0[r] = relu4(s0[r]);
      s1[r] = relu4(s1[r]);
    }
    wasm_v128_store(c + r * rc, s0[r]);
    wasm_v128_store(c + r * rc + 4, s1[r]);
  }
}

void rows(u32 R, u32 K, const float* a, u32 ra, u32 ka, const float* bp, u32 bk, const float* bias, bool relu, float* c, u32 rc) {
  switch (R) {
    case 4: return tile<4>(K, a, ra, ka, bp, bk, bias, relu, c, rc);
    case 3: return tile<3>(K, a, ra, ka, bp, bk, bias, relu, c, rc);
    case 2: return tile<2>(K, a, ra, ka, bp, bk, bias, relu, c, rc);
    default: return tile<1>(K, a, ra, ka, bp, bk, bias, relu, c, rc);
  }
}

}  // namespace

// scratch: K*8 + 32 floats, plus M*K when as_k != 1 (A's rows are then packed k-contiguous first: splats
// read in place with a stride of M floats per k ran 20 % slower). bias: 0 for none.
extern "C" __attribute__((visibility("default"))) void rk_sgemm(u32 M, u32 N, u32 K, const float* a, u32 as_i, u32 as_k, const float* b,
                                                              u32 bs_k, u32 bs_j, const float* bias, u32 relu, float* c, float* scratch) {
  float* bp = scratch;        // K×8: B's columns j0 … j0+7, zero past N
  float* tmp = bp + K * NR;   // 4×8: a tile with fewer than 8 columns, before they are copied out
  float* ap = tmp + MR * NR;  // A's full 4-row blocks as [K][4], when packed
  const bool packA = as_k != 1;
  if (packA)
    for (u32 i0 = 0; i0 + MR <= M; i0 += MR)
      for (u32 k = 0; k < K; k++)
        for (u32 r = 0; r < MR; r++) ap[i0 * K + k * MR + r] = a[(i0 + r) * as_i + k * as_k];
  for (u32 j0 = 0; j0 < N; j0 += NR) {
    const u32 nj = N - j0 < NR ? N - j0 : NR;
    const bool inPlace = bs_j == 1 && nj == NR && M <= IN_PLACE_ROWS;
    const float* panel = inPlace ? b + j0 : bp;
    const u32 bk = inPlace ? bs_k : NR;
    if (!inPlace)
      for (u32 k = 0; k < K; k++)
        for (u32 j = 0; j < NR; j++) bp[NR * k + j] = j < nj ? b[k * bs_k + (j0 + j) * bs_j] : 0.f;
    for (u32 i0 = 0; i0 < M; i0 += MR) {
      const u32 R = M - i0 < MR ? M - i0 : MR;
      const bool packed = packA && R == MR;
      const float* ai = packed ? ap + i0 * K : a + i0 * as_i;
      const u32 ra = packed ? 1 : as_i, ka = packed ? MR : as_k;
      if (nj == NR) {
        rows(R, K, ai, ra, ka, panel, bk, bias ? bias + j0 : nullptr, relu != 0, c + i0 * N + j0, N);
        continue;
      }
      rows(R, K, ai, ra, ka, panel, bk, nullptr, false, tmp, NR);
      for (u32 r = 0; r < R; r++)
        for (u32 j = 0; j < nj; j++) {
          float v = tmp[r * NR + j];
          if (bias) v += bias[j0 + j];
          c[(i0 + r) * N + j0 + j] = relu ? relu1(v) : v;
        }
    }
  }
}
