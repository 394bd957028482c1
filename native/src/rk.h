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

// Corrupted copies of (h, r, t) triples: k per triple, head replaced with probability pHead[r]
// (0.5 when pHead is null); the replacement is never the true entity.
RK_EXPORT void rk_negatives(u32* state, const i32* triples, u32 n, u32 numEntities, u32 k,
                            const double* pHead, i32* out);

// Up to k distinct neighbours per seed from a CSR graph (Floyd's algorithm); −1 pads short rows.
RK_EXPORT void rk_sample_neighbors(u32* state, const i32* offsets, const i32* indices, const i32* seeds, u32 n, u32 k,
                                   i32* out, i32* counts);

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

#endif
