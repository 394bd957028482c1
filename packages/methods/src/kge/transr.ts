// TransR (Lin et al., Learning Entity and Relation Embeddings for Knowledge Graph Completion, AAAI 2015).
import { add, maxNorm, sub } from '@repkit/core';
import { clampNorm, clampRows, matvec, negSq, positiveInt, uniformTensor } from './common.ts';
import type { KgeModel, KgeSizes } from './model.ts';
import { unitRows, xavierUniform } from './transe.ts';

export interface TransROptions {
  /** Entity dimension d (default 50). */
  dim?: number;
  /** Relation dimension k (default 30, as PyKEEN). */
  relDim?: number;
}

/**
 * f = −‖M_r h + r − M_r t‖₂², M_r ∈ R^{k×d} stored as the paper writes it ([k, d]; PyKEEN stores
 * [d, k], pitfall 2). Constraints: ‖e‖₂, ‖r‖₂ ≤ 1 after each step; ‖M_r h‖₂, ‖M_r t‖₂ ≤ 1 by a clamp
 * inside the score (as PyKEEN). Init as PyKEEN: entities xavier-uniform, relations xavier-uniform
 * then unit, M_r xavier-uniform.
 */
export function TransR(opts: TransROptions = {}): KgeModel {
  const dim = positiveInt('TransR', 'dim', opts.dim ?? 50), k = positiveInt('TransR', 'relDim', opts.relDim ?? 30);
  return {
    name: 'TransR',
    cite: 'Lin et al., Learning Entity and Relation Embeddings for Knowledge Graph Completion, AAAI 2015',
    tables: { E: { side: 'entity', row: [dim] }, R: { side: 'relation', row: [k] }, M: { side: 'relation', row: [k, dim] } },
    init: (rng, { entities, relations }: KgeSizes) => ({
      E: clampRows(xavierUniform(rng, entities, dim)),
      R: unitRows(xavierUniform(rng, relations, k)),
      M: uniformTensor(rng, [relations, k, dim], Math.sqrt(6 / (k + dim))),
    }),
    score: (h, r, t) => negSq(sub(add(clampNorm(matvec(r.M!, h.E!)), r.R!), clampNorm(matvec(r.M!, t.E!)))),
    // 100 epochs: per-relation matrices cost ~5× a TransE step and converge early (UMLS 0.78 after 50).
    trainDefaults: { epochs: 100 },
    constraints: { E: maxNorm(1), R: maxNorm(1) },
  };
}
