// Post-step constraints, applied inside the train-step graph after the optimizer update.
import type { Value } from '../ir/graph.ts';
import { div, greater, maximum, mul, where } from '../ops/api.ts';
import { norm } from '../nn/composites.ts';

export type Constraint = (p: Value) => Value;

/** Project every row (slice along `axis`) onto the unit sphere: x / ‖x‖₂. */
export function unitNorm(axis = -1): Constraint {
  return (p) => div(p, maximum(norm(p, 2, axis, true), 1e-12));
}

/** Clamp the L2 norm of every row to at most `max`: x · min(1, max/‖x‖₂). */
export function maxNorm(max = 1, axis = -1): Constraint {
  if (!(max > 0)) throw new Error(`maxNorm: max must be > 0, got ${max}`);
  return (p) => {
    const n = norm(p, 2, axis, true);
    return mul(p, where(greater(n, max), div(max, maximum(n, 1e-12)), 1));
  };
}
