// Two float64 lanes: WebAssembly SIMD128 in the wasm build, SSE2 on x86-64, plain scalars elsewhere.
// All three do the same per-lane IEEE operations, so results do not depend on the build.
#ifndef RK_SIMD_H
#define RK_SIMD_H
#include "rk.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
namespace rk {
typedef v128_t f64x2;
static inline f64x2 zero2() { return wasm_f64x2_splat(0.0); }
static inline f64x2 load2(const double* p) { return wasm_v128_load(p); }
static inline f64x2 add2(f64x2 a, f64x2 b) { return wasm_f64x2_add(a, b); }
static inline f64x2 sub2(f64x2 a, f64x2 b) { return wasm_f64x2_sub(a, b); }
static inline f64x2 mul2(f64x2 a, f64x2 b) { return wasm_f64x2_mul(a, b); }
static inline f64x2 signmask2() { return wasm_f64x2_splat(-0.0); }
static inline f64x2 abs2(f64x2 a, f64x2) { return wasm_f64x2_abs(a); }
static inline double lane0(f64x2 a) { return wasm_f64x2_extract_lane(a, 0); }
static inline double lane1(f64x2 a) { return wasm_f64x2_extract_lane(a, 1); }
}  // namespace rk
#define RK_SIMD "wasm-simd128"
#elif defined(__SSE2__)
#include <emmintrin.h>
namespace rk {
typedef __m128d f64x2;
static inline f64x2 zero2() { return _mm_setzero_pd(); }
static inline f64x2 load2(const double* p) { return _mm_loadu_pd(p); }
static inline f64x2 add2(f64x2 a, f64x2 b) { return _mm_add_pd(a, b); }
static inline f64x2 sub2(f64x2 a, f64x2 b) { return _mm_sub_pd(a, b); }
static inline f64x2 mul2(f64x2 a, f64x2 b) { return _mm_mul_pd(a, b); }
static inline f64x2 signmask2() { return _mm_set1_pd(-0.0); }
// The mask is a parameter so loops hoist it: GCC otherwise rebuilds it for every use.
static inline f64x2 abs2(f64x2 a, f64x2 mask) { return _mm_andnot_pd(mask, a); }
static inline double lane0(f64x2 a) { return _mm_cvtsd_f64(a); }
static inline double lane1(f64x2 a) { return _mm_cvtsd_f64(_mm_unpackhi_pd(a, a)); }
}  // namespace rk
#define RK_SIMD "sse2"
// The x86-64 addon may also run AVX2 code, in functions marked target("avx2") and called only after a
// run-time CPU check (scoring.cpp); the wasm build never sees this.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define RK_X86_DISPATCH 1
#include <immintrin.h>
#endif
#else
namespace rk {
struct f64x2 { double a, b; };
static inline f64x2 zero2() { return {0.0, 0.0}; }
static inline f64x2 load2(const double* p) { return {p[0], p[1]}; }
static inline f64x2 add2(f64x2 x, f64x2 y) { return {x.a + y.a, x.b + y.b}; }
static inline f64x2 sub2(f64x2 x, f64x2 y) { return {x.a - y.a, x.b - y.b}; }
static inline f64x2 mul2(f64x2 x, f64x2 y) { return {x.a * y.a, x.b * y.b}; }
static inline f64x2 signmask2() { return {-0.0, -0.0}; }
static inline f64x2 abs2(f64x2 x, f64x2) { return {__builtin_fabs(x.a), __builtin_fabs(x.b)}; }
static inline double lane0(f64x2 x) { return x.a; }
static inline double lane1(f64x2 x) { return x.b; }
}  // namespace rk
#define RK_SIMD "scalar"
#endif

#ifndef RK_X86_DISPATCH
#define RK_X86_DISPATCH 0
#endif

#endif
