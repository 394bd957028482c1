// KG2E (He et al., Learning to Represent Knowledge Graphs with Gaussian Embedding, CIKM 2015).
import { add, div, log, maxNorm, mul, sub, sum, type Value } from '@repkit/core';
import { boxed, clampRows, filled, inRange, positiveInt } from './common.ts';
import type { KgeModel, KgeSizes } from './model.ts';
import { xavierUniform } from './transe.ts';

export type KG2ESimilarity = 'KL' | 'EL';

export interface KG2EOptions {
  /** Dimension of means and diagonal covariances (default 50). */
  dim?: number;
  /** 'KL' (default, as PyKEEN) or 'EL' (expected likelihood). */
  similarity?: KG2ESimilarity;
  /** Bounds of every variance, c_min ≤ diag Σ ≤ c_max (defaults 0.05 and 5, as PyKEEN). */
  cMin?: number;
  cMax?: number;
}

/**
 * Diagonal Gaussians; with μ = μ_h − μ_t − μ_r, s_e = Σ_h + Σ_t, s_r = Σ_r:
 * KL: f = −½[Σ s_e/s_r + Σ μ²/s_r − d + Σ ln s_r − Σ ln s_e];  EL: f = −½[Σ μ²/s + Σ ln s + d ln 2π], s = s_e + s_r
 * (PyKEEN's EL returns the energy without −½, pitfall 3). Post-step: ‖μ‖₂ ≤ 1, variances clipped to
 * [c_min, c_max]. Init: means xavier-uniform, variances 1.
 */
export function KG2E(opts: KG2EOptions = {}): KgeModel {
  const dim = positiveInt('KG2E', 'dim', opts.dim ?? 50), similarity = opts.similarity ?? 'KL';
  if (similarity !== 'KL' && similarity !== 'EL') throw new Error(`KG2E: similarity must be 'KL' or 'EL', got '${similarity}'`);
  const cMin = inRange('KG2E', 'cMin', opts.cMin ?? 0.05, 1e-6, Infinity), cMax = inRange('KG2E', 'cMax', opts.cMax ?? 5, cMin, Infinity);
  const kl = (mu: Value, se: Value, sr: Value): Value =>
    mul(sum(sub(add(div(add(se, mul(mu, mu)), sr), log(sr)), add(log(se), 1)), -1), -0.5);
  const el = (mu: Value, s: Value): Value => mul(sum(add(div(mul(mu, mu), s), add(log(s), Math.log(2 * Math.PI))), -1), -0.5);
  return {
    name: similarity === 'KL' ? 'KG2E' : 'KG2E-EL',
    cite: 'He et al., Learning to Represent Knowledge Graphs with Gaussian Embedding, CIKM 2015',
    // sigma / rsigma hold the diagonals of Σ (variances, not standard deviations).
    tables: {
      mu: { side: 'entity', row: [dim] }, sigma: { side: 'entity', row: [dim] },
      rmu: { side: 'relation', row: [dim] }, rsigma: { side: 'relation', row: [dim] },
    },
    init: (rng, { entities, relations }: KgeSizes) => ({
      mu: clampRows(xavierUniform(rng, entities, dim)), sigma: filled([entities, dim], 1),
      rmu: clampRows(xavierUniform(rng, relations, dim)), rsigma: filled([relations, dim], 1),
    }),
    score: (h, r, t) => {
      const mu = sub(sub(h.mu!, t.mu!), r.rmu!), se = add(h.sigma!, t.sigma!);
      return similarity === 'KL' ? kl(mu, se, r.rsigma!) : el(mu, add(se, r.rsigma!));
    },
    // KL converges in 300 epochs (Kinships 0.25); EL keeps the pipeline's 500 (Kinships 0.175).
    ...(similarity === 'KL' ? { trainDefaults: { epochs: 300 } } : {}),
    constraints: { mu: maxNorm(1), rmu: maxNorm(1), sigma: boxed(cMin, cMax), rsigma: boxed(cMin, cMax) },
  };
}
