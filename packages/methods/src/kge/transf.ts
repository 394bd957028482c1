// TransF (Feng et al., Knowledge Graph Embedding by Flexible Translation, KR 2016).
import { add, maxNorm, mul, sub, sum } from '@repkit/core';
import { clampRows, positiveInt } from './common.ts';
import type { KgeModel, KgeSizes } from './model.ts';
import { xavierUniform } from './transe.ts';

export interface TransFOptions {
  /** Embedding dimension (default 50; PyKEEN uses 128). */
  dim?: number;
}

/** f = (h + r)ᵀt + (t − r)ᵀh = 2hᵀt + rᵀ(t − h) (the code's (t − r)ᵀh, not a docstring's hᵀ(r − t)); norms ≤ 1 after each step. */
export function TransF(opts: TransFOptions = {}): KgeModel {
  const dim = positiveInt('TransF', 'dim', opts.dim ?? 50);
  return {
    name: 'TransF',
    cite: 'Feng et al., Knowledge Graph Embedding by Flexible Translation, KR 2016',
    tables: { E: { side: 'entity', row: [dim] }, R: { side: 'relation', row: [dim] } },
    init: (rng, { entities, relations }: KgeSizes) => ({
      E: clampRows(xavierUniform(rng, entities, dim)), R: clampRows(xavierUniform(rng, relations, dim)),
    }),
    score: (h, r, t) => add(mul(sum(mul(h.E!, t.E!), -1), 2), sum(mul(r.R!, sub(t.E!, h.E!)), -1)),
    constraints: { E: maxNorm(1), R: maxNorm(1) },
  };
}
