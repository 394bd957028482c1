// Composite ops: plain functions over primitives (no new kernels, gradients come for free).
import type { Value } from '../ir/graph.ts';
import { abs, add, div, log, logSoftmax, matmul, maximum, mean, mul, neg, oneHot, pow2, sqrt, sum, exp } from './prims.ts';

/** x W + b (W: [in, out]). */
export function linear(x: Value, W: Value, b?: Value): Value {
  const y = matmul(x, W);
  return b ? add(y, b) : y;
}

/** p-norm along an axis (p = 1 or 2 use |x| and √Σx²; other p: (Σ|x|^p)^(1/p)). */
export function norm(x: Value, p: number = 2, axis = -1, keepDims = false): Value {
  if (p === 1) return sum(abs(x), axis, keepDims);
  if (p === 2) return sqrt(sum(mul(x, x), axis, keepDims));
  if (!(p > 0)) throw new Error(`norm: p must be positive, got ${p}`);
  return exp(div(log(sum(exp(mul(log(abs(x)), p)), axis, keepDims)), p));
}

/** Squared L2 norm along an axis. */
export function sqNorm(x: Value, axis = -1, keepDims = false): Value {
  return sum(pow2(x), axis, keepDims);
}

/** x / max(‖x‖₂, eps) along an axis. */
export function l2Normalize(x: Value, axis = -1, eps = 1e-12): Value {
  return div(x, maximum(norm(x, 2, axis, true), eps));
}

/** Mean cross-entropy of integer labels under logits: −mean log softmax(z)[y]. */
export function crossEntropy(logits: Value, labels: Value): Value {
  const classes = logits.shape[logits.rank - 1];
  if (typeof classes !== 'number') throw new Error('crossEntropy: the class dim of the logits must be static');
  const picked = sum(mul(logSoftmax(logits, -1), oneHot(labels, classes, logits.dtype)), -1);
  return neg(mean(picked));
}

export * from './similarity.ts';
export * from './divergence.ts';
export * from './normalization.ts';
export * from './activation.ts';
export * from './soft-targets.ts';
