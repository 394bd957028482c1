// The shared building blocks of self- and semi-supervised losses (ssl-semi.md §1): soft targets,
// entropies from logits, sharpening, MixUp, Gumbel-softmax and the EMA of a teacher. Each is a composite
// of primitives, so every backend and the gradient inherit it.
import type { Value } from '../ir/graph.ts';
import {
  add, argmax, log, logSoftmax, logsumexp, maximum, mul, neg, oneHot, softmax, stopGradient, sub, sum,
  type Operand,
} from './prims.ts';

/** H(q, p) = −Σ_c q_c log softmax(z)_c along the last axis, per row (q: a distribution, hard or soft). */
export function softCrossEntropy(logits: Value, q: Value): Value {
  return neg(sum(mul(q, logSoftmax(logits, -1)), -1));
}

/** H(softmax(z)) = logsumexp(z) − Σ softmax(z)·z per row: finite for saturated rows (0·log 0 = 0). */
export function entropyFromLogits(logits: Value): Value {
  return sub(logsumexp(logits, -1), sum(mul(softmax(logits, -1), logits), -1));
}

/** Sharpen(p, T) = p^{1/T} / Σ p^{1/T}, as softmax(log(max(p, 1e-12)) / T) (ssl-semi.md §1). */
export function sharpen(p: Value, T: number): Value {
  if (!(T > 0)) throw new Error(`sharpen: temperature T must be positive, got ${T}`);
  return softmax(mul(log(maximum(p, 1e-12)), 1 / T), -1);
}

/** λ' = max(λ, 1 − λ): MixUp keeps each mixed row closer to its first argument. */
export function mixupWeight(lambda: Value): Value {
  return maximum(lambda, sub(1, lambda));
}

/** MixUp λ'·a + (1 − λ')·b with λ' = max(λ, 1 − λ); λ (a scalar or one per row, shaped to broadcast) comes from the host. */
export function mixup(a: Value, b: Value, lambda: Value): Value {
  const w = mixupWeight(lambda);
  return add(mul(w, a), mul(sub(1, w), b));
}

export interface GumbelSoftmax {
  /** softmax((logits + g) / τ) along the last axis. */
  soft: Value;
  /** The straight-through one-hot: onehot(argmax) forward, the soft sample's gradient back. */
  hard: Value;
  /** argmax of the soft sample (int32). */
  index: Value;
}

/**
 * Gumbel-softmax with the uniform noise u ∈ (0, 1) as an input (drawn on the host): g = −log(−log u),
 * y = softmax((z + g)/τ); the hard sample is onehot(argmax y) − sg(y) + y (Jang et al. 2017).
 */
export function gumbelSoftmax(logits: Value, u: Value, tau: number): GumbelSoftmax {
  if (!(tau > 0)) throw new Error(`gumbelSoftmax: temperature tau must be positive, got ${tau}`);
  const classes = logits.shape[logits.rank - 1];
  if (typeof classes !== 'number') throw new Error('gumbelSoftmax: the last dim of the logits must be static');
  const g = neg(log(neg(log(u))));
  const soft = softmax(mul(add(logits, g), 1 / tau), -1);
  const index = argmax(soft, -1);
  const hard = add(sub(oneHot(index, classes, logits.dtype), stopGradient(soft)), soft);
  return { soft, hard, index };
}

/** θ' ← a·θ' + (1 − a)·θ: one EMA step of a teacher parameter toward the student's (a may be a fed scalar). */
export function emaUpdate(teacher: Value, student: Value, decay: Operand): Value {
  const rest = typeof decay === 'number' ? 1 - decay : sub(1, decay);
  return add(mul(teacher, decay), mul(student, rest));
}
