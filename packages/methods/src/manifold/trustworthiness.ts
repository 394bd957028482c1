// Trustworthiness (Venna & Kaski 2001; scikit-learn's `trustworthiness`): how far the k nearest
// neighbours in the embedding are from being neighbours in the input space, penalised by input rank.
import type { Tensor } from '@repkit/core';
import { kernels } from '@repkit/kernels';
import { matrix } from '../cluster/host.ts';

/** T(k) = 1 − 2/(n k (2n − 3k − 1)) Σ_i Σ_{j ∈ N_k^emb(i) \ N_k^in(i)} (r(i, j) − k), r = input-space rank (1 = nearest). */
export function trustworthiness(X: Tensor, embedding: Tensor, nNeighbors = 5): number {
  const [x, n, d] = matrix('X', X);
  const [e, m, de] = matrix('embedding', embedding);
  if (m !== n) throw new Error(`embedding has ${m} rows for ${n} samples in X; pass one embedded row per sample`);
  if (!Number.isInteger(nNeighbors) || nNeighbors < 1 || nNeighbors >= n / 2) throw new Error(`nNeighbors must be an integer in [1, n/2) = [1, ${n / 2}), got ${nNeighbors}`);
  const k = nNeighbors, K = kernels();
  const embNN = K.knnGraph(e, { dim: de, k, metric: 'l2-squared' }).indices;
  const rank = new Int32Array(n);
  let t = 0;
  for (let r0 = 0; r0 < n; r0 += 256) {
    const r1 = Math.min(n, r0 + 256);
    const s = K.score(x.subarray(r0 * d, r1 * d), x, { dim: d, metric: 'l2-squared' }); // −‖x_i − x_j‖²
    for (let i = r0; i < r1; i++) {
      const row = s.subarray((i - r0) * n, (i - r0 + 1) * n);
      row[i] = -Infinity; // i is not its own neighbour
      const order = [...Array(n).keys()].sort((a, b) => row[b]! - row[a]! || a - b); // stable: ties by index, as argsort
      order.forEach((j, r) => (rank[j] = r + 1));
      for (let q = 0; q < k; q++) {
        const excess = rank[embNN[i * k + q]!]! - k;
        if (excess > 0) t += excess;
      }
    }
  }
  return 1 - t * (2 / (n * k * (2 * n - 3 * k - 1)));
}
