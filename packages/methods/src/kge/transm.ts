// TransM (Fan et al., Transition-based Knowledge Graph Embedding with Relational Mapping Properties, PACLIC 2014).
import { Tensor, add, mul, norm, sub, unitNorm } from '@repkit/core';
import { relationStats, type Triples } from '@repkit/data';
import { positiveInt, scalarOf } from './common.ts';
import type { KgeModel, KgeSizes } from './model.ts';
import { unitRows, xavierUniform } from './transe.ts';

export interface TransMOptions {
  /** Embedding dimension (default 50). */
  dim?: number;
  /** Norm of the translation error: 1 (default, as TransE) or 2. */
  p?: 1 | 2;
  /** Precomputed θ_r, one per relation; else prepare(train) computes them. */
  theta?: ArrayLike<number>;
}

/**
 * θ_r = 1 / ln(tph_r + hpt_r + 1.7) from the training triples, tph_r / hpt_r from DISTINCT heads / tails
 * (pykg2vec counts list entries, giving ≈ 1/ln 4 for every relation; methods §1.2).
 */
export function mappingWeights(train: Triples, relations: number): Float64Array {
  const { tph, hpt } = relationStats(train, relations);
  return tph.map((v, r) => 1 / Math.log(v + hpt[r]! + 1.7));
}

/** f = −θ_r ‖h + r − t‖_p with θ_r a fixed (untrained) per-relation weight; ‖e‖₂ = 1 after each step. */
export function TransM(opts: TransMOptions = {}): KgeModel {
  const dim = positiveInt('TransM', 'dim', opts.dim ?? 50), p = opts.p ?? 1;
  if (p !== 1 && p !== 2) throw new Error(`TransM: p must be 1 or 2, got ${p}`);
  let theta: Float64Array | undefined = opts.theta ? Float64Array.from(opts.theta) : undefined;
  return {
    name: 'TransM',
    cite: 'Fan et al., Transition-based Knowledge Graph Embedding with Relational Mapping Properties, PACLIC 2014',
    tables: { E: { side: 'entity', row: [dim] }, R: { side: 'relation', row: [dim] }, theta: { side: 'relation', row: [1], fixed: true } },
    prepare: (train, { relations }) => {
      if (!opts.theta) theta = mappingWeights(train, relations);
    },
    // Entities and relations as TransE: xavier-uniform then unit L2.
    init: (rng, { entities, relations }: KgeSizes) => {
      if (!theta) throw new Error('TransM: θ_r unknown; call prepare(train, sizes) or pass options.theta');
      if (theta.length !== relations) throw new Error(`TransM: theta has ${theta.length} values, need one per relation (${relations})`);
      return {
        E: unitRows(xavierUniform(rng, entities, dim)), R: unitRows(xavierUniform(rng, relations, dim)),
        theta: new Tensor('float32', [relations, 1], Float32Array.from(theta)),
      };
    },
    score: (h, r, t) => mul(norm(sub(add(h.E!, r.R!), t.E!), p), mul(scalarOf(r.theta!), -1)),
    constraints: { E: unitNorm() },
  };
}
