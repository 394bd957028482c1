// Evaluation helpers for the metric-learning protocol of METHODS §6: standardised features and
// stratified k-fold splits (each fold holds every class in proportion), drawn from Philox.
import { Philox, Tensor } from '@repkit/core';
import { intOption, matrix } from '../cluster/host.ts';

/** Columns scaled to mean 0 and (population) variance 1; constant columns are only centred (sklearn's StandardScaler). */
export function standardize(X: Tensor): Tensor {
  const [x, n, d] = matrix('X', X);
  const out = Float64Array.from(x);
  for (let j = 0; j < d; j++) {
    let m = 0, v = 0;
    for (let i = 0; i < n; i++) m += x[i * d + j]! / n;
    for (let i = 0; i < n; i++) v += (x[i * d + j]! - m) ** 2 / n;
    const s = v > 0 ? Math.sqrt(v) : 1;
    for (let i = 0; i < n; i++) out[i * d + j] = (x[i * d + j]! - m) / s;
  }
  return new Tensor('float64', [n, d], out);
}

/** Stratified k-fold: each class's rows, shuffled, are dealt round-robin to the folds. Returns the test rows of each fold. */
export function stratifiedKFold(y: Tensor, folds: number, seed = 0): Int32Array[] {
  intOption('folds', folds, 2);
  const rng = new Philox(seed, 11), byClass = new Map<number, number[]>();
  for (let i = 0; i < y.size; i++) byClass.set(y.data[i]!, [...(byClass.get(y.data[i]!) ?? []), i]);
  const out: number[][] = Array.from({ length: folds }, () => []);
  let offset = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(c)!, perm = rng.permutation(rows.length);
    perm.forEach((p, r) => out[(offset + r) % folds]!.push(rows[p]!));
    offset += rows.length; // continue the deal where the last class stopped: fold sizes differ by at most one
  }
  if (out.some((f) => f.length === 0)) throw new Error(`folds = ${folds} leaves a fold empty with ${y.size} samples; use fewer folds`);
  return out.map((f) => Int32Array.from(f.sort((a, b) => a - b)));
}

/** The rows of 0..n−1 not in `test`. */
export function complement(n: number, test: Int32Array): Int32Array {
  const mask = new Uint8Array(n);
  for (const i of test) mask[i] = 1;
  return Int32Array.from([...mask.keys()].filter((i) => !mask[i]));
}
