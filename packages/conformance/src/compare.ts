// Error measures between a backend's output and the float64 reference.
import type { Tensor } from '@repkit/core';
import { FLOOR } from './tolerances.ts';

/** max |a − r| / max(|r|, FLOOR · max|r|), elementwise; Infinity on a shape mismatch or NaN. */
export function maxRelErr(a: Tensor, r: Tensor): number {
  if (a.size !== r.size || a.shape.some((d, i) => d !== r.shape[i])) return Infinity;
  let scale = 0;
  for (let i = 0; i < r.size; i++) scale = Math.max(scale, Math.abs(r.data[i]!));
  const floor = Math.max(FLOOR * scale, 1e-30);
  let err = 0;
  for (let i = 0; i < r.size; i++) {
    const d = Math.abs(a.data[i]! - r.data[i]!) / Math.max(Math.abs(r.data[i]!), floor);
    if (Number.isNaN(d)) return Infinity;
    err = Math.max(err, d);
  }
  return err;
}

export interface DiscreteResult {
  /** Fraction of all elements equal to the reference's. */
  agreement: number;
  /** Elements that differ although the reference's margin exceeds the threshold. */
  violations: number;
}

/** Exact comparison of discrete outputs, excusing elements whose reference margin is below `minMargin`. */
export function compareDiscrete(a: Tensor, r: Tensor, margins: Float64Array | undefined, minMargin: number): DiscreteResult {
  if (a.size !== r.size) return { agreement: 0, violations: r.size };
  let same = 0, violations = 0;
  for (let i = 0; i < r.size; i++) {
    if (a.data[i] === r.data[i]) same++;
    else if (!margins || margins[i]! > minMargin) violations++;
  }
  return { agreement: r.size ? same / r.size : 1, violations };
}
