// Affinity graphs of label propagation/spreading (methods/ssl-semi.md §3.7), built on the host in
// float64: the k-NN graph (self included, as scikit-learn queries with the training points) as an
// edge list, or the dense RBF kernel. Then the two normalisations scikit-learn 1.2.1 applies.
import { kernels } from '@repkit/kernels';

/** Row i of the operator sums w_e · F[dst_e] over the edges e with src_e = i. */
export interface SparseOperator { kind: 'sparse'; n: number; src: Int32Array; dst: Int32Array; w: Float64Array }
/** A dense n × n operator (row-major). */
export interface DenseOperator { kind: 'dense'; n: number; W: Float64Array }
export type Operator = SparseOperator | DenseOperator;

/** W_ij = 1 for the k nearest rows j of i, i itself first (Euclidean; ties to the lower index). */
export function knnAffinity(X: Float64Array, n: number, d: number, k: number): SparseOperator {
  const g = k > 1 ? kernels().knnGraph(X, { dim: d, k: k - 1, metric: 'l2-squared' }) : undefined;
  const src = new Int32Array(n * k), dst = new Int32Array(n * k);
  for (let i = 0; i < n; i++) {
    src.fill(i, i * k, (i + 1) * k);
    dst[i * k] = i;
    if (g) dst.set(g.indices.subarray(i * (k - 1), (i + 1) * (k - 1)), i * k + 1);
  }
  return { kind: 'sparse', n, src, dst, w: new Float64Array(n * k).fill(1) };
}

/** W_ij = exp(−γ‖x_i − x_j‖²) for rows of A against rows of B (dense, row-major). */
export function rbfAffinity(A: Float64Array, B: Float64Array, d: number, gamma: number): Float64Array {
  const s = kernels().score(A, B, { dim: d, metric: 'l2-squared' }); // −‖a − b‖²
  for (let i = 0; i < s.length; i++) s[i] = Math.exp(gamma * s[i]!);
  return s;
}

/** In-degree (column sums) minus the self-loop: SciPy 1.10 csgraph.laplacian(normed=True) on a directed W. */
function degreeRoots(op: Operator): Float64Array {
  const { n } = op, deg = new Float64Array(n);
  if (op.kind === 'sparse') {
    for (let e = 0; e < op.src.length; e++) if (op.src[e] !== op.dst[e]) deg[op.dst[e]!]! += op.w[e]!;
  } else {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) deg[j]! += op.W[i * n + j]!;
  }
  return deg.map((v) => (v === 0 ? 1 : Math.sqrt(v))); // isolated nodes divide by 1
}

/** Spreading: S = D^−½ W D^−½ with a zero diagonal, times α (the step adds (1 − α)Y). */
export function spreadingOperator(op: Operator, alpha: number): Operator {
  const r = degreeRoots(op), { n } = op;
  if (op.kind === 'dense') {
    const W = op.W.map((v, e) => {
      const i = Math.floor(e / n), j = e % n;
      return i === j ? 0 : (alpha * v) / (r[i]! * r[j]!);
    });
    return { kind: 'dense', n, W };
  }
  const keep = [...op.src.keys()].filter((e) => op.src[e] !== op.dst[e]);
  return {
    kind: 'sparse', n,
    src: Int32Array.from(keep, (e) => op.src[e]!),
    dst: Int32Array.from(keep, (e) => op.dst[e]!),
    w: Float64Array.from(keep, (e) => (alpha * op.w[e]!) / (r[op.src[e]!]! * r[op.dst[e]!]!)),
  };
}

/**
 * Propagation: dense T = W / colsum(W)[:, None] (row i over column-sum i); sparse (knn): every entry
 * over the column sum of column 0, a scalar, as scikit-learn 1.2.1 does (rows are renormalised anyway).
 */
export function propagationOperator(op: Operator): Operator {
  const { n } = op;
  if (op.kind === 'dense') {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) col[j]! += op.W[i * n + j]!;
    return { kind: 'dense', n, W: op.W.map((v, e) => v / col[Math.floor(e / n)]!) };
  }
  let col0 = 0;
  for (let e = 0; e < op.dst.length; e++) if (op.dst[e] === 0) col0 += op.w[e]!;
  return { ...op, w: op.w.map((v) => v / col0) };
}
