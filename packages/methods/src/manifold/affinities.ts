// t-SNE input affinities (van der Maaten & Hinton 2008, eq. 1; scikit-learn 1.2.1 `_utils.pyx` and
// `_joint_probabilities[_nn]`): per-row binary search on the precision β so that the conditional
// distribution has entropy log(perplexity), then the symmetrised joint P. Host, float64.
import { kernels } from '@repkit/kernels';

const MACHINE_EPSILON = 2.220446049250313e-16;

/**
 * Conditional P_{j|i} ∝ exp(−β_i d²_ij) over `m` candidates per row (rows of `sq`, row-major n × m).
 * `self[i]` is the column of i itself to skip (exact mode), or −1 (neighbour lists exclude it).
 */
export function binarySearchPerplexity(sq: Float64Array, n: number, m: number, perplexity: number, self?: (i: number) => number): Float64Array {
  const P = new Float64Array(n * m), target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    let beta = 1, lo = -Infinity, hi = Infinity;
    const skip = self ? self(i) : -1, row = i * m;
    for (let step = 0; step < 100; step++) {
      let sum = 0;
      for (let j = 0; j < m; j++) {
        const p = j === skip ? 0 : Math.exp(-sq[row + j]! * beta);
        P[row + j] = p;
        sum += p;
      }
      if (sum === 0) sum = 1e-8;
      let sumDP = 0;
      for (let j = 0; j < m; j++) {
        P[row + j]! /= sum;
        sumDP += sq[row + j]! * P[row + j]!;
      }
      const diff = Math.log(sum) + beta * sumDP - target;
      if (Math.abs(diff) <= 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  return P;
}

/** Exact mode: dense P (n × n, row-major) = (P_{j|i} + P_{i|j}) / Σ, floored at machine eps off the diagonal. */
export function jointProbabilitiesExact(X: Float64Array, n: number, d: number, perplexity: number): Float64Array {
  const sq = kernels().score(X, X, { dim: d, metric: 'l2-squared' }).map((v) => -v);
  const C = binarySearchPerplexity(sq, n, n, perplexity, (i) => i);
  const P = new Float64Array(n * n);
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) total += (P[i * n + j] = C[i * n + j]! + C[j * n + i]!);
  total = Math.max(total, MACHINE_EPSILON);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) P[i * n + j] = i === j ? 0 : Math.max(P[i * n + j]! / total, MACHINE_EPSILON);
  return P;
}

/** Symmetric sparse P in CSR form: row i holds P_ij for its stored j (both directions of each pair). */
export interface SparseP { offsets: Int32Array; indices: Int32Array; values: Float64Array }

/** Barnes–Hut mode: P on the k = min(n − 1, ⌊3·perplexity + 1⌋) nearest neighbours, then P + Pᵀ, over Σ. */
export function jointProbabilitiesNN(X: Float64Array, n: number, d: number, perplexity: number): SparseP {
  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const g = kernels().knnGraph(X, { dim: d, k, metric: 'l2-squared' });
  const C = binarySearchPerplexity(g.scores.map((v) => -v), n, k, perplexity);
  const rows = Array.from({ length: n }, () => new Map<number, number>());
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = g.indices[i * k + t]!, p = C[i * k + t]!;
      rows[i]!.set(j, (rows[i]!.get(j) ?? 0) + p);
      rows[j]!.set(i, (rows[j]!.get(i) ?? 0) + p);
    }
  }
  let total = 0;
  for (const r of rows) for (const v of r.values()) total += v;
  total = Math.max(total, MACHINE_EPSILON);
  const offsets = new Int32Array(n + 1);
  rows.forEach((r, i) => (offsets[i + 1] = offsets[i]! + r.size));
  const indices = new Int32Array(offsets[n]!), values = new Float64Array(offsets[n]!);
  rows.forEach((r, i) => {
    [...r.entries()].sort((a, b) => a[0] - b[0]).forEach(([j, v], t) => {
      indices[offsets[i]! + t] = j;
      values[offsets[i]! + t] = v / total;
    });
  });
  return { offsets, indices, values };
}
