// TranSparse (Ji et al., Knowledge Graph Completion with Adaptive Sparse Transfer Matrix, AAAI 2016).
import { Tensor, add, maxNorm, mul, sub, type Value } from '@repkit/core';
import type { Triples } from '@repkit/data';
import { clampNorm, clampRows, identities, inRange, matvec, negSq, positiveInt } from './common.ts';
import type { KgeModel, KgeSizes, KgeTable } from './model.ts';
import { unitRows, xavierUniform } from './transe.ts';

export type TranSparseVariant = 'share' | 'separate';

export interface TranSparseOptions {
  /** Entity dimension d (default 50). */
  dim?: number;
  /** Relation dimension k (default d, so M_r starts as the identity). */
  relDim?: number;
  /** 'share' (one M_r(θ_r), default) or 'separate' (M_r^h(θ_r^h), M_r^t(θ_r^t)). */
  variant?: TranSparseVariant;
  /** Sparsity of the densest matrix, θ_min ∈ [0, 1) (default 0.5). */
  thetaMin?: number;
  /** Precomputed sparsity degrees ([R] for share, [2R] = heads then tails for separate); else prepare(train) computes them. */
  theta?: ArrayLike<number>;
}

/**
 * θ from the training triples (methods §1.2): share θ_r = 1 − (1−θ_min)·N_r/N_r*, N_r = distinct (h, t)
 * pairs of r; separate θ_r^l = 1 − (1−θ_min)·N_r^l/N*, N_r^l = distinct entities on side l of r.
 */
export function sparsityDegrees(train: Triples, relations: number, variant: TranSparseVariant, thetaMin: number): Float64Array {
  const sets = Array.from({ length: variant === 'share' ? relations : 2 * relations }, () => new Set<number>());
  for (let i = 0; i < train.count; i++) {
    const h = train.ids[3 * i]!, r = train.ids[3 * i + 1]!, t = train.ids[3 * i + 2]!;
    if (variant === 'share') sets[r]!.add(h * 0x100000 + t);
    else { sets[r]!.add(h); sets[relations + r]!.add(t); }
  }
  const max = Math.max(1, ...sets.map((s) => s.size));
  return Float64Array.from(sets, (s) => 1 - ((1 - thetaMin) * s.size) / max);
}

/** 0/1 masks [n, k, d], structured: the (1−θ)·k·d entries nearest the diagonal (which is always kept). */
export function bandMasks(theta: ArrayLike<number>, k: number, d: number): Tensor {
  const order = Array.from({ length: k * d }, (_, x) => x)
    .map((x) => ({ x, dist: Math.abs(Math.floor(x / d) * (d / k) - (x % d)) }))
    .sort((a, b) => a.dist - b.dist || a.x - b.x).map((e) => e.x);
  const out = new Float32Array(theta.length * k * d);
  for (let r = 0; r < theta.length; r++) {
    const keep = Math.max(Math.min(k, d), Math.round((1 - theta[r]!) * k * d));
    for (let i = 0; i < keep; i++) out[r * k * d + order[i]!] = 1;
  }
  return new Tensor('float32', [theta.length, k, d], out);
}

/**
 * f = −‖M_r^h h + r − M_r^t t‖₂² with M ⊙ Mask (fixed masks, not trained; share: one matrix for both
 * sides). M_r = I at init (the paper; it also starts entities from TransE, we start from xavier);
 * ‖e‖₂, ‖r‖₂ ≤ 1 after each step, ‖M h‖₂, ‖M t‖₂ ≤ 1 clamped in the score, as TransR.
 */
export function TranSparse(opts: TranSparseOptions = {}): KgeModel {
  const dim = positiveInt('TranSparse', 'dim', opts.dim ?? 50), k = positiveInt('TranSparse', 'relDim', opts.relDim ?? dim);
  const variant = opts.variant ?? 'share';
  if (variant !== 'share' && variant !== 'separate') throw new Error(`TranSparse: variant must be 'share' or 'separate', got '${variant}'`);
  const thetaMin = inRange('TranSparse', 'thetaMin', opts.thetaMin ?? 0.5, 0, 0.999);
  let theta: Float64Array | undefined = opts.theta ? Float64Array.from(opts.theta) : undefined;
  const sides = variant === 'share' ? ['M'] : ['Mh', 'Mt'];
  const tables: Record<string, KgeTable> = { E: { side: 'entity', row: [dim] }, R: { side: 'relation', row: [k] } };
  for (const s of sides) {
    tables[s] = { side: 'relation', row: [k, dim] };
    tables[`${s}.mask`] = { side: 'relation', row: [k, dim], fixed: true };
  }
  const mapped = (r: Record<string, Value>, s: string, e: Value): Value => clampNorm(matvec(mul(r[s]!, r[`${s}.mask`]!), e));
  const [hs, ts] = [sides[0]!, sides[sides.length - 1]!];
  return {
    name: variant === 'share' ? 'TranSparseShare' : 'TranSparseSeparate',
    cite: 'Ji et al., Knowledge Graph Completion with Adaptive Sparse Transfer Matrix, AAAI 2016',
    tables,
    prepare: (train, { relations }) => {
      if (!opts.theta) theta = sparsityDegrees(train, relations, variant, thetaMin);
    },
    init: (rng, { entities, relations }: KgeSizes) => {
      if (!theta) throw new Error('TranSparse: sparsity degrees unknown; call prepare(train, sizes) or pass options.theta');
      if (theta.length !== sides.length * relations) throw new Error(`TranSparse: theta has ${theta.length} values, need ${sides.length * relations}`);
      const out: Record<string, Tensor> = { E: clampRows(xavierUniform(rng, entities, dim)), R: unitRows(xavierUniform(rng, relations, k)) };
      sides.forEach((s, i) => {
        out[s] = identities(relations, k, dim);
        out[`${s}.mask`] = bandMasks(theta!.subarray(i * relations, (i + 1) * relations), k, dim);
      });
      return out;
    },
    score: (h, r, t) => negSq(sub(add(mapped(r, hs, h.E!), r.R!), mapped(r, ts, t.E!))),
    // Masked [k, d] matrices make a step ~6× (share) or ~10× (separate) TransE's; both converge early.
    trainDefaults: { epochs: variant === 'share' ? 100 : 50 },
    constraints: { E: maxNorm(1), R: maxNorm(1) },
  };
}
