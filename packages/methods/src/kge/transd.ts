// TransD (Ji et al., Knowledge Graph Embedding via Dynamic Mapping Matrix, ACL 2015).
import { add, maxNorm, mul, pad, slice, sub, sum, type Value } from '@repkit/core';
import { clampNorm, clampRows, negNorm, negSq, positiveInt } from './common.ts';
import type { KgeModel, KgeSizes } from './model.ts';
import { unitRows, xavierUniform } from './transe.ts';

export interface TransDOptions {
  /** Entity dimension d (default 50). */
  dim?: number;
  /** Relation dimension k (default d, as PyKEEN). */
  relDim?: number;
  /** The paper's (and PyKEEN's) −‖·‖₂² (true) or −‖·‖₂ (false, default): same ranking; the margin loss trains better on the norm. */
  squared?: boolean;
}

/** x truncated (k < d) or zero-padded (k > d) to k entries on the last axis. */
function fit(x: Value, k: number): Value {
  const d = x.shape[x.rank - 1] as number;
  if (k === d) return x;
  return k < d ? slice(x, [0], [k], [x.rank - 1]) : pad(x, [...x.shape.slice(0, -1).map(() => [0, 0] as const), [0, k - d] as const]);
}

/**
 * f = −‖h⊥ + r − t⊥‖₂ (option squared: the paper's ‖·‖₂²; Kinships MRR 0.15 squared vs 0.27) with
 * h⊥ = (r_p h_pᵀ + I) h = (h_pᵀh) r_p + fit_k(h): O(d), the matrix never formed.
 * Constraints: ‖e‖₂, ‖r‖₂ ≤ 1 after each step, ‖h⊥‖₂, ‖t⊥‖₂ ≤ 1 clamped in the score (as PyKEEN).
 */
export function TransD(opts: TransDOptions = {}): KgeModel {
  const dim = positiveInt('TransD', 'dim', opts.dim ?? 50), k = positiveInt('TransD', 'relDim', opts.relDim ?? dim);
  const dist = opts.squared ? negSq : (x: Value) => negNorm(x, 2);
  const project = (e: Value, ep: Value, rp: Value): Value => clampNorm(add(mul(sum(mul(ep, e), -1, true), rp), fit(e, k)));
  return {
    name: 'TransD',
    cite: 'Ji et al., Knowledge Graph Embedding via Dynamic Mapping Matrix, ACL 2015',
    tables: {
      E: { side: 'entity', row: [dim] }, Ep: { side: 'entity', row: [dim] },
      R: { side: 'relation', row: [k] }, Rp: { side: 'relation', row: [k] },
    },
    // As PyKEEN: e, r xavier-uniform (r then unit); the projection vectors xavier-uniform too.
    init: (rng, { entities, relations }: KgeSizes) => ({
      E: clampRows(xavierUniform(rng, entities, dim)), Ep: xavierUniform(rng, entities, dim),
      R: unitRows(xavierUniform(rng, relations, k)), Rp: xavierUniform(rng, relations, k),
    }),
    score: (h, r, t) => dist(sub(add(project(h.E!, h.Ep!, r.Rp!), r.R!), project(t.E!, t.Ep!, r.Rp!))),
    // 300 epochs (Kinships 0.27; the last 200 of 500 add little).
    trainDefaults: { epochs: 300 },
    constraints: { E: maxNorm(1), R: maxNorm(1) },
  };
}
