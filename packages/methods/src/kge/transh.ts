// TransH (Wang et al., Knowledge Graph Embedding by Translating on Hyperplanes, AAAI 2014).
import { Tensor, add, concat, l2Normalize, maxNorm, mul, sub, sum, unsqueeze, type Constraint, type Value } from '@repkit/core';
import { clampRows, negNorm, negSq, part, positiveInt } from './common.ts';
import type { KgeModel, KgeSizes } from './model.ts';
import { unitRows, xavierUniform } from './transe.ts';

export interface TransHOptions {
  /** Embedding dimension (default 50). */
  dim?: number;
  /** The paper's −‖·‖₂² (true) or PyKEEN's −‖·‖₂ (false, default): same ranking; the margin loss trains better on the norm. */
  squared?: boolean;
}

/** x⊥ = x − (wᵀx) w: the projection onto the hyperplane with unit normal w (broadcasts). */
export function onHyperplane(x: Value, w: Value): Value {
  return sub(x, mul(sum(mul(w, x), -1, true), w));
}

/** R rows [2, d] = (w_r, d_r): w_r to unit L2, then d_r made orthogonal to it (the paper's soft |w_rᵀd_r| ≤ ε, hard). */
const hyperplane: Constraint = (p) => {
  const w = l2Normalize(part(p, 0));
  return concat([unsqueeze(w, -2), unsqueeze(onHyperplane(part(p, 1), w), -2)], -2);
};

/**
 * f = −‖h⊥ + d_r − t⊥‖₂ (option squared: the paper's ‖·‖₂²; Kinships MRR 0.155 squared vs 0.22) with
 * x⊥ = x − (w_rᵀx) w_r. Table R stacks (w_r, d_r) per relation so one constraint can normalise w_r and
 * keep d_r in its hyperplane. Entities: ‖e‖₂ ≤ 1 projected after each step (the paper's soft penalty,
 * hard). Not PyKEEN's role order (which normalises d_r, pitfall 1). Init: xavier-uniform (w_r unit).
 */
export function TransH(opts: TransHOptions = {}): KgeModel {
  const dim = positiveInt('TransH', 'dim', opts.dim ?? 50), dist = opts.squared ? negSq : (x: Value) => negNorm(x, 2);
  return {
    name: 'TransH',
    cite: 'Wang et al., Knowledge Graph Embedding by Translating on Hyperplanes, AAAI 2014',
    tables: { E: { side: 'entity', row: [dim] }, R: { side: 'relation', row: [2, dim] } },
    init: (rng, { entities, relations }: KgeSizes) => {
      const w = unitRows(xavierUniform(rng, relations, dim)).data, d = xavierUniform(rng, relations, dim).data;
      const R = new Float32Array(relations * 2 * dim);
      for (let r = 0; r < relations; r++) {
        let dot = 0;
        for (let j = 0; j < dim; j++) dot += w[r * dim + j]! * d[r * dim + j]!;
        for (let j = 0; j < dim; j++) {
          R[(2 * r) * dim + j] = w[r * dim + j]!;
          R[(2 * r + 1) * dim + j] = d[r * dim + j]! - dot * w[r * dim + j]!;
        }
      }
      return { E: clampRows(xavierUniform(rng, entities, dim)), R: new Tensor('float32', [relations, 2, dim], R) };
    },
    // (h − t)⊥ = h⊥ − t⊥: one projection of the difference serves both sides.
    score: (h, r, t) => dist(add(onHyperplane(sub(h.E!, t.E!), part(r.R!, 0)), part(r.R!, 1))),
    constraints: { E: maxNorm(1), R: hyperplane },
  };
}
