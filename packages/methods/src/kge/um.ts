// Unstructured Model (Bordes et al., A Semantic Matching Energy Function for Learning with Multi-relational Data, MLJ 2014).
import { mul, sqNorm, sub, unitNorm } from '@repkit/core';
import { positiveInt } from './common.ts';
import type { KgeModel, KgeSizes } from './model.ts';
import { unitRows, xavierUniform } from './transe.ts';

export interface UMOptions {
  /** Embedding dimension (default 50). */
  dim?: number;
}

/** f = −‖h − t‖₂² (the seed's squared L2; PyKEEN's UM uses L1): no relation parameters; ‖e‖₂ = 1 after each step. */
export function UM(opts: UMOptions = {}): KgeModel {
  const dim = positiveInt('UM', 'dim', opts.dim ?? 50);
  return {
    name: 'UM',
    cite: 'Bordes et al., A Semantic Matching Energy Function for Learning with Multi-relational Data, Machine Learning 2014',
    tables: { E: { side: 'entity', row: [dim] } },
    init: (rng, { entities }: KgeSizes) => ({ E: unitRows(xavierUniform(rng, entities, dim)) }),
    score: (h, _r, t) => mul(sqNorm(sub(h.E!, t.E!)), -1),
    constraints: { E: unitNorm() },
  };
}
