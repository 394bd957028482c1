// Activations and regularisers composed of primitives.
import type { Value } from '../ir/graph.ts';
import { isFloat } from '../tensor.ts';
import { add, erf, mul } from './prims.ts';

/** GELU, erf form: x · Φ(x) = ½ x (1 + erf(x / √2)) (Hendrycks & Gimpel 2016, eq. 1). */
export function gelu(x: Value): Value {
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}

/**
 * Inverted dropout with the keep-mask as an input (randomness never happens inside a graph):
 * x · mask / (1 − p), mask holding 1 to keep and 0 to drop, drawn on the host with keep probability 1 − p.
 */
export function dropout(x: Value, mask: Value, p: number): Value {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: p must be in [0, 1), got ${p}`);
  if (!isFloat(mask.dtype) || mask.dtype !== x.dtype) throw new Error(`dropout: mask must be a 0/1 tensor of x's dtype ${x.dtype}, got ${mask.dtype}; cast it`);
  return mul(mul(x, mask), 1 / (1 - p));
}
