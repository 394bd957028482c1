// ManifoldE (Xiao et al., From One Point to a Manifold: Knowledge Graph Embedding for Precise Link Prediction, IJCAI 2016).
import { add, maxNorm, mul, sqNorm, sub } from '@repkit/core';
import { clampRows, filled, inRange, positiveInt, scalarOf } from './common.ts';
import type { KgeModel, KgeSizes } from './model.ts';
import { xavierUniform } from './transe.ts';

export interface ManifoldEOptions {
  /** Embedding dimension (default 50). */
  dim?: number;
  /** Initial radius D_r of every relation's sphere (default 1). */
  radius?: number;
}

/**
 * Sphere form f = −(‖h + r − t‖₂² − D_r²)², D_r a trained per-relation radius; ‖e‖₂, ‖r‖₂ ≤ 1 after each
 * step. The hyperplane and kernel forms of the paper are not implemented.
 */
export function ManifoldE(opts: ManifoldEOptions = {}): KgeModel {
  const dim = positiveInt('ManifoldE', 'dim', opts.dim ?? 50), radius = inRange('ManifoldE', 'radius', opts.radius ?? 1, 0, 3);
  return {
    name: 'ManifoldE',
    cite: 'Xiao et al., From One Point to a Manifold: Knowledge Graph Embedding for Precise Link Prediction, IJCAI 2016',
    tables: { E: { side: 'entity', row: [dim] }, R: { side: 'relation', row: [dim] }, D: { side: 'relation', row: [1] } },
    init: (rng, { entities, relations }: KgeSizes) => ({
      E: clampRows(xavierUniform(rng, entities, dim)), R: clampRows(xavierUniform(rng, relations, dim)), D: filled([relations, 1], radius),
    }),
    score: (h, r, t) => {
      const gap = sub(sqNorm(sub(add(h.E!, r.R!), t.E!)), sqNorm(r.D!));
      return mul(mul(gap, gap), -1);
    },
    constraints: { E: maxNorm(1), R: maxNorm(1) },
  };
}
