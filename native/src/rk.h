// The kernels' C ABI, shared by the Node-API binding (binding.cpp) and the wasm module (wasm/build.mjs).
// Freestanding on purpose: no C or C++ library, so the wasm build imports nothing but memory.
#ifndef RK_H
#define RK_H

typedef __UINT8_TYPE__ u8;
typedef __UINT32_TYPE__ u32;
typedef __INT32_TYPE__ i32;
typedef __UINT64_TYPE__ u64;
typedef __INT64_TYPE__ i64;

// Exported from the wasm module (built with -fvisibility=hidden and --export-dynamic).
#define RK_EXPORT extern "C" __attribute__((visibility("default")))

// Philox stream position, 8 words, as @repkit/core's Philox.getState: key lo/hi, block lo/hi,
// stream lo/hi, lane (next word of the block), 0. Every stream kernel advances it in place.
RK_EXPORT void rk_philox_u32(u32* state, u32* out, u32 n);
RK_EXPORT void rk_philox_uniform(u32* state, double* out, u32 n, double lo, double hi);
RK_EXPORT void rk_philox_integer(u32* state, i32* out, u32 n, double lo, double span);
RK_EXPORT void rk_philox_normal(u32* state, double* out, u32 n, double mean, double std);

// metric: 0 = L1, 1 = L2, 2 = squared L2. out[b*E + e] = −dist(q_b, ent_e).
RK_EXPORT void rk_score(const double* q, u32 B, const double* ent, u32 E, u32 d, u32 metric, double* out);
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// x86-64 addon only (not in the wasm module): whether this CPU runs the AVX2 scoring path, and rk_score
// with that path allowed (allowAvx2 = 1, what rk_score does) or not (0: SSE2 only, for tests and
// benches). Both paths give identical bits. Returns 1 when the AVX2 path ran.
RK_EXPORT u32 rk_score_avx2_supported();
RK_EXPORT u32 rk_score_isa(const double* q, u32 B, const double* ent, u32 E, u32 d, u32 metric, u32 allowAvx2, double* out);
#endif

// Corrupted copies of (h, r, t) triples: k per triple, head replaced with probability pHead[r]
// (0.5 when pHead is null); the replacement is never the true entity.
RK_EXPORT void rk_negatives(u32* state, const i32* triples, u32 n, u32 numEntities, u32 k,
                            const double* pHead, i32* out);

// Up to k distinct neighbours per seed from a CSR graph (Floyd's algorithm); −1 pads short rows.
RK_EXPORT void rk_sample_neighbors(u32* state, const i32* offsets, const i32* indices, const i32* seeds, u32 n, u32 k,
                                   i32* out, i32* counts);

// Symmetric eigendecomposition (cyclic Jacobi) of n×n matrices, lower triangle read: values ascending,
// eigenvectors as columns of `vectors` with their largest-magnitude component positive. work: 2n² + n.
RK_EXPORT void rk_eigh(const double* A, u32 batch, u32 n, double* values, double* vectors, double* work);

// out = V diag(λ^p) Vᵀ of SPD matrices (lower triangle read). work: 2n² + n. Returns 0, or 1 + the
// index of the first matrix with an eigenvalue that is not a positive normal double.
RK_EXPORT u32 rk_spd_power(const double* A, u32 batch, u32 n, double p, double* out, double* work);

// Batched Cholesky factor and log-determinant of symmetric positive-definite n×n matrices.
// Returns 0, or 1 + the index of the first matrix that is not positive definite.
RK_EXPORT u32 rk_cholesky(const double* A, u32 batch, u32 n, double* L, double* logdet);

// Filtered ranks of scores[b*E + trueIds[b]] among row b, skipping the sorted known ids of CSR row b.
// Returns the number of NaN scores seen (the caller rejects them).
RK_EXPORT u32 rk_filtered_ranks(const double* scores, u32 B, u32 E, const i32* trueIds, const i32* offsets,
                                const i32* ids, double* optimistic, double* pessimistic, double* realistic);

// The k largest of each row, best first; ties go to the lower index. Returns the NaN count.
RK_EXPORT u32 rk_topk(const double* x, u32 B, u32 n, u32 k, i32* idx, double* val);

// CSR of m edges over n nodes (stable by source); with dedupe, rows are sorted and unique. Returns nnz.
RK_EXPORT u32 rk_csr(const i32* src, const i32* dst, u32 m, u32 n, i32* offsets, i32* indices, u32 dedupe);

// Images: float32 n×h×w, row v down, column u right (ssl-semi.md §5). Draw orders: kernels.ts.
// Integer shift by (dx, dy) uniform in {−maxShift..maxShift}², zero fill: out[v,u] = x[v−dy, u−dx].
RK_EXPORT void rk_shift_images(u32* state, const float* x, u32 n, u32 h, u32 w, u32 maxShift, float* out);
// Bilinear affine warp, zero outside; params: 4 per image (rotation °, scale, tx, ty); float64 out.
RK_EXPORT void rk_warp_images(const float* x, u32 n, u32 h, u32 w, const double* params, double* out);
// Warp, contrast, noise, cutout; options: maxRotationDeg, scale lo/hi, maxTranslate, contrast lo/hi,
// noiseStd, cutout.
RK_EXPORT void rk_strong_augment(u32* state, const float* x, u32 n, u32 h, u32 w, const double* options, float* out);
// k[i] ∈ 0..3 counter-clockwise quarter turns (np.rot90); odd k needs h = w.
RK_EXPORT void rk_rotate90(const float* x, u32 n, u32 h, u32 w, const i32* k, float* out);

// Rows `ids` (n of them) of a table with `stride` floats per row: `width` floats at `offset` each, packed.
RK_EXPORT void rk_gather_rows(const float* table, u32 stride, const i32* ids, u32 n, u32 offset, u32 width, float* out);
RK_EXPORT void rk_scatter_rows(float* table, u32 stride, const i32* ids, u32 n, u32 offset, u32 width, const float* from);
// In place on rows `ids`: one optimizer step from packed grad [n, width] (code 0 adam, 1 adagrad, 2 sgd;
// params as @repkit/core's packRowRule); then, if segment > 0, each `segment` floats of the parameter
// span get unit L2 norm (max ≤ 0) or norm ≤ max.
RK_EXPORT void rk_update_rows(float* table, u32 stride, const i32* ids, u32 n, u32 width, const float* grad, u32 code, const double* params,
                              u32 segment, double max);

#endif
