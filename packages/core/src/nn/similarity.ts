// Cosine similarity of vectors and of two row sets: composites of primitives.
import type { Value } from '../ir/graph.ts';
import { div, matmul, maximum, mul, sum, swapLast } from './prims.ts';
import { l2Normalize, norm } from './composites.ts';

/**
 * a·b / (max(‖a‖, eps) · max(‖b‖, eps)) along `axis`, a and b broadcast against each other
 * (PyTorch's cosine_similarity, which clamps each norm).
 */
export function cosineSimilarity(a: Value, b: Value, axis = -1, eps = 1e-8): Value {
  if (!(eps > 0)) throw new Error(`cosineSimilarity: eps must be positive, got ${eps}`);
  return div(sum(mul(a, b), axis), mul(maximum(norm(a, 2, axis), eps), maximum(norm(b, 2, axis), eps)));
}

/** S[i, j] = cos(A[i], B[j]) for rows A [..., n, d] and B [..., m, d]: [..., n, m], one matrix product. */
export function cosineSimilarityMatrix(A: Value, B: Value, eps = 1e-8): Value {
  if (A.rank < 2 || B.rank < 2) throw new Error(`cosineSimilarityMatrix: A and B must be row sets of rank ≥ 2, got ranks ${A.rank} and ${B.rank}; reshape vectors to [1, d]`);
  if (!(eps > 0)) throw new Error(`cosineSimilarityMatrix: eps must be positive, got ${eps}`);
  return matmul(l2Normalize(A, -1, eps), swapLast(l2Normalize(B, -1, eps)));
}
