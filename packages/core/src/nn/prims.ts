// The primitive API as seen by composites, plus one-line helpers over it.
import type { Value } from '../ir/graph.ts';
import { mul } from '../ops/api.ts';
export * from '../ops/api.ts';

export const pow2 = (x: Value): Value => mul(x, x);
