// Information measures of discrete distributions along an axis, with 0·log 0 = 0.
import type { Value } from '../ir/graph.ts';
import { exp, greater, log, logSoftmax, mul, neg, sub, sum, where } from './prims.ts';

/**
 * KL(p ‖ q) = Σ p (log p − log q) along `axis`; terms with p = 0 are 0. Masked entries take log of 1,
 * never of 0, so no NaN reaches the gradient through `where`.
 */
export function klDivergence(p: Value, q: Value, axis = -1, keepDims = false): Value {
  const pos = greater(p, 0);
  const term = mul(p, sub(log(where(pos, p, 1)), log(where(pos, q, 1))));
  return sum(where(pos, term, 0), axis, keepDims);
}

/** KL(softmax(zp) ‖ softmax(zq)) from logits, through log-softmax (no underflow to log 0). */
export function klDivergenceLogits(zp: Value, zq: Value, axis = -1, keepDims = false): Value {
  const lp = logSoftmax(zp, axis);
  return sum(mul(exp(lp), sub(lp, logSoftmax(zq, axis))), axis, keepDims);
}

/** Shannon entropy −Σ p log p along `axis` (nats); terms with p = 0 are 0. */
export function entropy(p: Value, axis = -1, keepDims = false): Value {
  const pos = greater(p, 0);
  return neg(sum(where(pos, mul(p, log(where(pos, p, 1))), 0), axis, keepDims));
}
