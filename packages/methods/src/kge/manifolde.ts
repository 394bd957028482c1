// ManifoldE (Xiao et al., From One Point to a Manifold: Knowledge Graph Embedding for Precise Link Prediction, IJCAI 2016).
import { add, exp, maxNorm, mul, sqNorm, sub, sum, type Value } from '@repkit/core';
import { clampRows, filled, inRange, positiveInt } from './common.ts';
import type { KgeModel, KgeSizes } from './model.ts';
import { xavierUniform } from './transe.ts';

/**
 * The manifold M(h, r, t) a true triple lies on, at distance D_r from its centre:
 * - 'sphere': ‖h + r − t‖₂²;
 * - 'hyperplane': (h + r_h)ᵀ(t + r_t), a head and a tail vector per relation;
 * - 'sphere-gaussian': ‖φ(h) + φ(r) − φ(t)‖² in the feature space of K(x, y) = exp(−‖x − y‖²/σ²),
 *   expanded with K(x, x) = 1 into 3 − 2K(h, t) − 2K(r, t) + 2K(h, r) (the paper's kernel trick).
 */
export type ManifoldForm = 'sphere' | 'hyperplane' | 'sphere-gaussian';

export interface ManifoldEOptions {
  /** Embedding dimension (default 50). */
  dim?: number;
  /** Initial radius D_r of every relation's manifold (default 1). */
  radius?: number;
  /** Manifold (default 'sphere'). */
  form?: ManifoldForm;
  /** Gaussian kernel width σ for 'sphere-gaussian' (default 1). */
  sigma?: number;
}

/** f = −(M(h, r, t) − D_r²)², D_r a trained per-relation radius; ‖e‖₂, ‖r‖₂ ≤ 1 after each step. */
export function ManifoldE(opts: ManifoldEOptions = {}): KgeModel {
  const dim = positiveInt('ManifoldE', 'dim', opts.dim ?? 50), radius = inRange('ManifoldE', 'radius', opts.radius ?? 1, 0, 3);
  const form = opts.form ?? 'sphere';
  if (!['sphere', 'hyperplane', 'sphere-gaussian'].includes(form)) {
    throw new Error(`ManifoldE: form must be sphere, hyperplane or sphere-gaussian, got '${form}'`);
  }
  const sigma = opts.sigma ?? 1;
  if (!(sigma > 0 && Number.isFinite(sigma))) throw new Error(`ManifoldE: sigma (the Gaussian kernel width) must be positive, got ${sigma}`);
  const kernel = (x: Value, y: Value): Value => exp(mul(sqNorm(sub(x, y)), -1 / (sigma * sigma)));
  const manifold = (h: Value, r: Record<string, Value>, t: Value): Value => {
    if (form === 'hyperplane') return sum(mul(add(h, r.R!), add(t, r.Rt!)), -1);
    if (form === 'sphere') return sqNorm(sub(add(h, r.R!), t));
    return add(mul(sub(kernel(r.R!, h), add(kernel(h, t), kernel(r.R!, t))), 2), 3);
  };
  const hyper = form === 'hyperplane';
  return {
    name: form === 'sphere' ? 'ManifoldE' : form === 'hyperplane' ? 'ManifoldE-hyperplane' : 'ManifoldE-gaussian',
    cite: 'Xiao et al., From One Point to a Manifold: Knowledge Graph Embedding for Precise Link Prediction, IJCAI 2016',
    tables: {
      E: { side: 'entity', row: [dim] }, R: { side: 'relation', row: [dim] },
      ...(hyper ? { Rt: { side: 'relation' as const, row: [dim] } } : {}),
      D: { side: 'relation', row: [1] },
    },
    init: (rng, { entities, relations }: KgeSizes) => ({
      E: clampRows(xavierUniform(rng, entities, dim)), R: clampRows(xavierUniform(rng, relations, dim)),
      ...(hyper ? { Rt: clampRows(xavierUniform(rng, relations, dim)) } : {}),
      D: filled([relations, 1], radius),
    }),
    score: (h, r, t) => {
      const gap = sub(manifold(h.E!, r, t.E!), sqNorm(r.D!));
      return mul(mul(gap, gap), -1);
    },
    constraints: { E: maxNorm(1), R: maxNorm(1), ...(hyper ? { Rt: maxNorm(1) } : {}) },
  };
}
