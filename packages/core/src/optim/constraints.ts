// Post-step constraints, applied inside the train-step graph after the optimizer update.
import type { Value } from '../ir/graph.ts';
import { div, greater, maximum, mul, where } from '../ops/api.ts';
import { norm } from '../nn/composites.ts';
import type { RowConstraint } from './row-rules.ts';

/** A projection traced into the step; `rows`, where set, is the same projection of each last-axis row as data. */
export type Constraint = ((p: Value) => Value) & { readonly rows?: RowConstraint };

/** Project every row (slice along `axis`) onto the unit sphere: x / ‖x‖₂. */
export function unitNorm(axis = -1): Constraint {
  const project = (p: Value): Value => div(p, maximum(norm(p, 2, axis, true), 1e-12));
  return axis === -1 ? Object.assign(project, { rows: { kind: 'unitNorm' } as const }) : project;
}

/** Clamp the L2 norm of every row to at most `max`: x · min(1, max/‖x‖₂). */
export function maxNorm(max = 1, axis = -1): Constraint {
  if (!(max > 0)) throw new Error(`maxNorm: max must be > 0, got ${max}`);
  const project = (p: Value): Value => {
    const n = norm(p, 2, axis, true);
    return mul(p, where(greater(n, max), div(max, maximum(n, 1e-12)), 1));
  };
  return axis === -1 ? Object.assign(project, { rows: { kind: 'maxNorm', max } as const }) : project;
}
