import { describe, expect, it } from 'vitest';
import '../ops/index.ts';
import { trace, type GraphBuilder, type Value } from '../ir/graph.ts';
import { interpret } from '../backend/reference.ts';
import { Philox } from '../rng/philox.ts';
import { Tensor, tensor } from '../tensor.ts';
import { gradCheck } from '../testing/gradcheck.ts';
import { awayFromZero, randomTensor } from '../testing/random.ts';
import {
  batchNorm, batchNormInference, cosineSimilarity, cosineSimilarityMatrix, dropout, entropy, gelu,
  klDivergence, klDivergenceLogits, layerNorm,
} from './composites.ts';

const rng = new Philox(2027);
const f64 = (b: GraphBuilder, name: string, t: Tensor): Value => b.data(name, 'float64', t.shape);

function run(build: (b: GraphBuilder) => Record<string, Value>, feeds: Record<string, Tensor> = {}): Record<string, number[]> {
  const r = interpret(trace('t', build), feeds);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.toArray()]));
}

function check(build: (b: GraphBuilder) => Value, feeds: Record<string, Tensor>, wrt = Object.keys(feeds)): void {
  const { relErr } = gradCheck(build, feeds, wrt);
  for (const [name, e] of Object.entries(relErr)) expect(e, `d/d${name}`).toBeLessThanOrEqual(1e-6);
}

/** Rows normalised to sum 1, one exact zero per row. */
function distributions(shape: number[]): Tensor {
  const t = randomTensor(rng, shape, 0.1, 1);
  const n = shape[shape.length - 1]!;
  for (let r = 0; r < t.size / n; r++) {
    t.data[r * n + (r % n)] = 0;
    let s = 0;
    for (let j = 0; j < n; j++) s += t.data[r * n + j]!;
    for (let j = 0; j < n; j++) t.data[r * n + j]! /= s;
  }
  return t;
}

describe('composites compute their formulas', () => {
  it('cosine similarity of vectors and of row sets', () => {
    const a = tensor([3, 4, 0, 1], [2, 2], 'float64'), b = tensor([4, 3], [2], 'float64');
    const r = run((g) => {
      const va = f64(g, 'a', a);
      return { c: cosineSimilarity(va, f64(g, 'b', b)), S: cosineSimilarityMatrix(va, f64(g, 'a2', a)) };
    }, { a, b, a2: a });
    expect(r.c![0]).toBeCloseTo(24 / 25, 14);
    expect(r.c![1]).toBeCloseTo(3 / 5, 14);
    expect(r.S!.map((v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 0.8, 0.8, 1]);
  });
  it('KL divergence and entropy treat 0·log 0 as 0; KL of equal distributions is 0', () => {
    const p = tensor([0.5, 0.5, 0], [3], 'float64'), q = tensor([0.25, 0.25, 0.5], [3], 'float64');
    const r = run((g) => ({ kl: klDivergence(f64(g, 'p', p), f64(g, 'q', q)), self: klDivergence(f64(g, 'p2', p), f64(g, 'p3', p)), h: entropy(f64(g, 'p4', p)) }), { p, q, p2: p, p3: p, p4: p });
    expect(r.kl![0]).toBeCloseTo(Math.LN2, 14);
    expect(r.self![0]).toBe(0);
    expect(r.h![0]).toBeCloseTo(Math.LN2, 14);
  });
  it('batch-norm normalises per channel and updates running statistics as PyTorch', () => {
    const x = tensor([1, 2, 3, 5], [4, 1], 'float64'), one = tensor([1], [1], 'float64'), zero = tensor([0], [1], 'float64');
    const r = run((g) => {
      const o = batchNorm(f64(g, 'x', x), f64(g, 'gamma', one), f64(g, 'beta', zero), { eps: 0, momentum: 0.5, running: { mean: f64(g, 'm', zero), variance: f64(g, 'v', one) } });
      return { y: o.y, mean: o.mean, variance: o.variance, m: o.running!.mean, v: o.running!.variance };
    }, { x, gamma: one, beta: zero, m: zero, v: one });
    expect(r.mean).toEqual([2.75]);
    expect(r.variance![0]).toBeCloseTo(2.1875, 14);
    expect(r.y!.reduce((p, q) => p + q, 0)).toBeCloseTo(0, 14);
    expect(r.m).toEqual([1.375]);
    expect(r.v![0]).toBeCloseTo(0.5 + 0.5 * 2.1875 * 4 / 3, 14);
  });
  it('batch-norm inference, layer-norm, dropout scaling and GELU', () => {
    const x = tensor([1, 2, 3, 4], [2, 2], 'float64');
    const r = run((g) => ({
      bn: batchNormInference(f64(g, 'x', x), g.constant('ga', tensor([2, 1], [2], 'float64')), g.constant('be', tensor([0, 1], [2], 'float64')),
        { mean: g.constant('mu', tensor([1, 2], [2], 'float64')), variance: g.constant('va', tensor([4, 1], [2], 'float64')) }, { eps: 0 }),
      ln: layerNorm(f64(g, 'x2', x), undefined, undefined, { eps: 0 }),
      drop: dropout(f64(g, 'x3', x), g.constant('mask', tensor([1, 0, 1, 1], [2, 2], 'float64')), 0.5),
      gelu: gelu(g.constant('z', tensor([0, 1, -1], [3], 'float64'))),
    }), { x, x2: x, x3: x });
    expect(r.bn).toEqual([0, 1, 2, 3]);
    expect(r.ln).toEqual([-1, 1, -1, 1]);
    expect(r.drop).toEqual([2, 0, 6, 8]);
    expect(r.gelu![1]).toBeCloseTo(0.8413447460685429, 14);
    expect(r.gelu![2]).toBeCloseTo(-0.15865525393145707, 14);
  });
  it('name the argument and the fix on bad input', () => {
    const t = trace('bad', (g) => {
      const x = g.data('x', 'float32', [4, 3]);
      expect(() => batchNorm(x, g.data('gamma', 'float32', [4]), g.data('beta', 'float32', [3]))).toThrow(/batchNorm: gamma must have shape \[3\] \(the size of axis 1 of x\)/);
      expect(() => dropout(x, g.data('mask', 'int32', [4, 3]), 0.5)).toThrow(/dropout: mask must be a 0\/1 tensor of x's dtype float32, got int32; cast it/);
      expect(() => dropout(x, x, 1)).toThrow(/dropout: p must be in \[0, 1\), got 1/);
      expect(() => layerNorm(x, g.data('g2', 'float32', [4]))).toThrow(/layerNorm: gamma must have shape \[3\]/);
      expect(() => cosineSimilarityMatrix(g.data('v', 'float32', [3]), x)).toThrow(/cosineSimilarityMatrix: A and B must be row sets of rank ≥ 2/);
      return { x };
    });
    expect(t.outputs).toHaveLength(1);
  });
});

describe('composite gradients match central finite differences (float64)', () => {
  it('cosine similarity with broadcasting, and the similarity matrix', () => {
    const a = awayFromZero(rng, [2, 3, 4]), b = awayFromZero(rng, [3, 4]);
    check((g) => cosineSimilarity(f64(g, 'a', a), f64(g, 'b', b)), { a, b });
    const A = awayFromZero(rng, [3, 5]), B = awayFromZero(rng, [4, 5]);
    check((g) => cosineSimilarityMatrix(f64(g, 'A', A), f64(g, 'B', B)), { A, B });
  });
  it('KL divergence (probabilities, with zeros, and logits) and entropy', () => {
    // At p = 0 the derivative in p is infinite (p log p), so p is checked where it is positive; q everywhere.
    const p0 = distributions([3, 5]), p = randomTensor(rng, [3, 5], 0.1, 1), q = randomTensor(rng, [3, 5], 0.1, 1);
    check((g) => klDivergence(f64(g, 'p', p), f64(g, 'q', q)), { p, q });
    check((g) => klDivergence(f64(g, 'p', p0), f64(g, 'q', q)), { p: p0, q }, ['q']);
    const zp = randomTensor(rng, [3, 5], -2, 2), zq = randomTensor(rng, [3, 5], -2, 2);
    check((g) => klDivergenceLogits(f64(g, 'zp', zp), f64(g, 'zq', zq)), { zp, zq });
    check((g) => entropy(f64(g, 'p', p)), { p });
    const r = run((g) => ({ h: entropy(f64(g, 'p', p0)) }), { p: p0 });
    expect(r.h!.every(Number.isFinite)).toBe(true);
  });
  it('batch-norm (training, NCHW and a symbolic batch) and batch-norm inference', () => {
    const x = randomTensor(rng, [3, 2, 2, 3]), gamma = randomTensor(rng, [2], 0.5, 1.5), beta = randomTensor(rng, [2]);
    check((g) => batchNorm(f64(g, 'x', x), f64(g, 'gamma', gamma), f64(g, 'beta', beta)).y, { x, gamma, beta });
    const xb = randomTensor(rng, [5, 3]), g3 = randomTensor(rng, [3], 0.5, 1.5), b3 = randomTensor(rng, [3]), rv = randomTensor(rng, [3], 0.5, 1);
    check((g) => batchNorm(g.data('x', 'float64', ['batch', 3]), f64(g, 'gamma', g3), f64(g, 'beta', b3),
      { running: { mean: f64(g, 'rm', b3), variance: f64(g, 'rv', rv) } }).running!.variance, { x: xb, gamma: g3, beta: b3, rm: b3, rv }, ['x']);
    check((g) => batchNormInference(f64(g, 'x', x), f64(g, 'gamma', gamma), f64(g, 'beta', beta), { mean: f64(g, 'm', beta), variance: f64(g, 'v', gamma) }),
      { x, gamma, beta, m: beta, v: gamma });
  });
  it('layer-norm over one and two trailing dims, dropout and GELU', () => {
    const x = randomTensor(rng, [3, 4, 5]), gamma = randomTensor(rng, [4, 5]), beta = randomTensor(rng, [4, 5]);
    check((g) => layerNorm(f64(g, 'x', x), f64(g, 'gamma', gamma), f64(g, 'beta', beta), { dims: 2 }), { x, gamma, beta });
    check((g) => layerNorm(f64(g, 'x', x)), { x });
    const mask = new Tensor('float64', [3, 4, 5], Float64Array.from(rng.uniforms(60, 0, 1), (u) => (u < 0.7 ? 1 : 0)));
    check((g) => dropout(f64(g, 'x', x), g.constant('mask', mask), 0.3), { x });
    check((g) => gelu(f64(g, 'x', x)), { x });
  });
});
