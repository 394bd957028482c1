// TransG (Xiao et al., TransG: A Generative Model for Knowledge Graph Embedding, ACL 2016).
import { Tensor, add, div, logSoftmax, logsumexp, maxNorm, sqNorm, sub, unsqueeze } from '@repkit/core';
import { boxed, clampRows, filled, inRange, positiveInt } from './common.ts';
import type { KgeModel, KgeSizes } from './model.ts';
import { xavierUniform } from './transe.ts';

export interface TransGOptions {
  /** Dimension of the means (default 50). */
  dim?: number;
  /** Fixed number M of translation components per relation (default 3; the paper grows them by a CRP). */
  components?: number;
  /** Bounds of every entity variance σ_e² (defaults 0.05 and 5). */
  cMin?: number;
  cMax?: number;
}

/**
 * f = ln Σ_m π_r^m exp(−‖μ_h + μ_r^m − μ_t‖₂² / (σ_h² + σ_t²)), π_r = softmax(trained logits): the log of
 * the paper's likelihood (same ranking; the margin loss then works on −ln f as methods §1.2 asks). It is
 * computed as logsumexp_m(log π_r^m − dist_m / var) with log π from logSoftmax, both max-shifted, so no
 * exp underflows to 0 (whose log is −∞) and no gradient divides by a vanishing likelihood; var ≥ 2c_min.
 * Post-step: ‖μ_e‖₂ ≤ 1 and every ‖μ_r^m‖₂ ≤ 1, c_min ≤ σ_e² ≤ c_max.
 */
export function TransG(opts: TransGOptions = {}): KgeModel {
  const dim = positiveInt('TransG', 'dim', opts.dim ?? 50), M = positiveInt('TransG', 'components', opts.components ?? 3);
  const cMin = inRange('TransG', 'cMin', opts.cMin ?? 0.05, 1e-6, Infinity), cMax = inRange('TransG', 'cMax', opts.cMax ?? 5, cMin, Infinity);
  return {
    name: 'TransG',
    cite: 'Xiao et al., TransG: A Generative Model for Knowledge Graph Embedding, ACL 2016',
    tables: {
      mu: { side: 'entity', row: [dim] }, var: { side: 'entity', row: [1] },
      R: { side: 'relation', row: [M, dim] }, pi: { side: 'relation', row: [M] },
    },
    // Components drawn independently so they can split; uniform mixture weights; variances 1.
    init: (rng, { entities, relations }: KgeSizes) => ({
      mu: clampRows(xavierUniform(rng, entities, dim)), var: filled([entities, 1], 1),
      R: new Tensor('float32', [relations, M, dim], clampRows(xavierUniform(rng, relations * M, dim)).data), pi: filled([relations, M], 0),
    }),
    score: (h, r, t) => {
      // rows [..., d] against components [..., M, d]: the entity difference gets an axis for m.
      const dist = sqNorm(add(unsqueeze(sub(h.mu!, t.mu!), -2), r.R!)); // [..., M]
      return logsumexp(sub(logSoftmax(r.pi!), div(dist, add(h.var!, t.var!))), -1);
    },
    // 300 epochs: Kinships 0.356 (0.368 after 500).
    trainDefaults: { epochs: 300 },
    constraints: { mu: maxNorm(1), R: maxNorm(1), var: boxed(cMin, cMax) },
  };
}
