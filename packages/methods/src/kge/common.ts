// Pieces shared by the KGE models: host-side initialisers, broadcasting matrix-vector products, and
// projections usable both as post-step constraints and inside score functions.
import {
  Tensor, add, clip, div, greater, matmul, maxNorm, maximum, mul, norm, slice, sqNorm, sqrt, squeeze, sum, swapLast, unsqueeze, where,
  type Constraint, type Philox, type Value,
} from '@repkit/core';

/** Checks a model option: a positive integer. */
export function positiveInt(model: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${model}: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** Checks a model option: a finite number in [lo, hi]. */
export function inRange(model: string, name: string, v: number, lo: number, hi: number): number {
  if (!(v >= lo && v <= hi)) throw new Error(`${model}: ${name} must be in [${lo}, ${hi}], got ${v}`);
  return v;
}

/** U(±a) of any shape. */
export function uniformTensor(rng: Philox, shape: readonly number[], a: number): Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  return new Tensor('float32', shape, Float32Array.from(rng.uniforms(n, -a, a)));
}

/** A tensor of one value. */
export function filled(shape: readonly number[], v: number): Tensor {
  return new Tensor('float32', shape, new Float32Array(shape.reduce((p, q) => p * q, 1)).fill(v));
}

/** n copies of the k×d matrix with ones on its diagonal (M_r = I as TransR/TranSparse initialise). */
export function identities(n: number, k: number, d: number): Tensor {
  const out = new Float32Array(n * k * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < Math.min(k, d); i++) out[r * k * d + i * d + i] = 1;
  return new Tensor('float32', [n, k, d], out);
}

/** Rows (last axis) scaled to L2 norm ≤ max, on the host: initial values that already satisfy maxNorm. */
export function clampRows(t: Tensor, max = 1): Tensor {
  const d = t.shape[t.shape.length - 1]!, out = Float32Array.from(t.data as Float32Array);
  for (let i = 0; i < t.size; i += d) {
    let s = 0;
    for (let j = 0; j < d; j++) s += out[i + j]! ** 2;
    const k = Math.sqrt(s) > max ? max / Math.sqrt(s) : 1;
    for (let j = 0; j < d; j++) out[i + j] = out[i + j]! * k;
  }
  return new Tensor('float32', t.shape, out);
}

/** M x over broadcast batch dims: M [..., k, d], x [..., d] → [..., k] (e.g. [q, 1, k, d] × [1, E, d] → [q, E, k]). */
export function matvec(M: Value, x: Value): Value {
  return squeeze(matmul(M, unsqueeze(x, -1)), -1);
}

/** Entry i of rows stacked along axis −2 ([..., n, d] → [..., d]): several vectors kept in one relation table. */
export function part(x: Value, i: number): Value {
  return squeeze(slice(x, [i], [i + 1], [x.rank - 2]), x.rank - 2);
}

/** The last axis of size-1 rows dropped ([..., 1] → [...]): per-relation scalars against [...] scores. */
export const scalarOf = (x: Value): Value => squeeze(x, -1);

/** L2 norm clamped to ≤ max along the last axis: the same projection inside a score as maxNorm after a step. */
export const clampNorm = (x: Value, max = 1): Value => maxNorm(max)(x);

/** −‖x‖₂² (the translation error of TransR and TranSparse; TransH/TransD with squared). */
export const negSq = (x: Value): Value => mul(sqNorm(x), -1);

/** Clamp every entry to [lo, hi] (KG2E's variances, TransG's). */
export function boxed(lo: number, hi: number): Constraint {
  return (p) => clip(p, lo, hi);
}

/**
 * TransA's W_r projection on [rows, d, d]: symmetrise, clamp ≥ 0, rescale so ‖W_r‖_F ≤ max
 * (the simpler variant of methods §1.2: W_r learned by SGD, projected after each step).
 */
export function symmetricNonNegative(max = 1): Constraint {
  return (p) => {
    const w = clip(mul(add(p, swapLast(p)), 0.5), 0);
    const f = sqrt(sum(mul(w, w), [-2, -1], true));
    return mul(w, where(greater(f, max), div(max, maximum(f, 1e-12)), 1));
  };
}

/** −‖x‖_p, p = 1 or 2 (TransE-style distances). */
export const negNorm = (x: Value, p: 1 | 2): Value => mul(norm(x, p), -1);
