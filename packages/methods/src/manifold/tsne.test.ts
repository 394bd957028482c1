import { describe, expect, it } from 'vitest';
import { Philox, Tensor, interpret } from '@repkit/core';
import { blobs } from '../cluster/datasets.ts';
import { binarySearchPerplexity, jointProbabilitiesExact } from './affinities.ts';
import { barnesHutGradient } from './barnes-hut.ts';
import { tsneGraphs } from './tsne-graphs.ts';
import { TSNE, pcaInit } from './tsne.ts';
import { trustworthiness } from './trustworthiness.ts';

const rng = new Philox(4);
const n = 12;
const P = jointProbabilitiesExact(rng.normals(n * 3), n, 3, 4);
const Y0 = rng.normals(n * 2, 0, 2);
const { grad: gradGraph, gradError } = tsneGraphs(n, 2);
const f64 = (shape: number[], d: Float64Array): Tensor => new Tensor('float64', shape, d);
const kl = (Y: Float64Array): number => interpret(gradError, { Y: f64([n, 2], Y), P: f64([n, n], P) }).kl!.data[0]!;

describe('t-SNE pieces', () => {
  it('calibrates each row to the requested perplexity (entropy = log perplexity ± 1e-5)', () => {
    const sq = Float64Array.from({ length: 40 }, (_, j) => (j % 10) * 0.7 + 0.1);
    const Pc = binarySearchPerplexity(sq, 4, 10, 5);
    for (let i = 0; i < 4; i++) {
      const row = Pc.subarray(i * 10, i * 10 + 10);
      expect(row.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
      expect(-row.reduce((h, p) => h + (p > 0 ? p * Math.log(p) : 0), 0)).toBeCloseTo(Math.log(5), 4);
    }
  });

  it('the exact gradient graph is the derivative of its KL (central differences)', () => {
    const g = interpret(gradGraph, { Y: f64([n, 2], Y0), P: f64([n, n], P) }).grad!.data;
    for (const t of [0, 5, 17, 23]) {
      const h = 1e-6, up = Y0.slice(), down = Y0.slice();
      up[t]! += h; down[t]! -= h;
      expect(g[t]!).toBeCloseTo((kl(up) - kl(down)) / (2 * h), 6);
    }
  });

  it('Barnes–Hut with θ = 0 and every pair stored equals the exact gradient and KL', () => {
    const offsets = Int32Array.from({ length: n + 1 }, (_, i) => i * (n - 1));
    const indices = Int32Array.from({ length: n * (n - 1) }, (_, e) => { const i = Math.floor(e / (n - 1)), j = e % (n - 1); return j < i ? j : j + 1; });
    const values = Float64Array.from(indices, (j, e) => P[Math.floor(e / (n - 1)) * n + j]!);
    const grad = new Float64Array(2 * n);
    const err = barnesHutGradient(Y0, { offsets, indices, values }, 0, grad, true);
    const exact = interpret(gradError, { Y: f64([n, 2], Y0), P: f64([n, n], P) });
    grad.forEach((v, t) => expect(v).toBeCloseTo(exact.grad!.data[t]!, 10));
    expect(err).toBeCloseTo(exact.kl!.data[0]!, 10);
  });

  it('trustworthiness matches scikit-learn', () => {
    const X = f64([20, 3], Float64Array.from({ length: 60 }, (_, e) => { const i = Math.floor(e / 3); return [(i * 0.37) % 1.3, (i * i * 0.11) % 2.1, (i * 0.73) % 0.9][e % 3]!; }));
    const E = f64([20, 2], Float64Array.from({ length: 40 }, (_, e) => { const i = Math.floor(e / 2); return e % 2 ? Math.cos(i * 1.7) : Math.sin(i); }));
    expect(trustworthiness(X, E, 3)).toBeCloseTo(0.508888888888889, 12);
    const X2 = f64([20, 2], Float64Array.from({ length: 40 }, (_, e) => X.data[Math.floor(e / 2) * 3 + (e % 2)]!));
    expect(trustworthiness(X, X2, 5)).toBeCloseTo(0.9575, 12);
  });
});

describe('TSNE', () => {
  const { X, y } = blobs([[0, 0, 0, 0, 0], [8, 0, 0, 0, 0], [0, 8, 0, 0, 0]], { perCentre: 20, std: 1, seed: 2 });

  for (const method of ['exact', 'barnes_hut'] as const) {
    it(`${method}: separates three blobs and keeps neighbourhoods (trustworthiness ≥ 0.9)`, async () => {
      const ts = new TSNE({ method, perplexity: 10, nIter: 300 });
      const E = await ts.fitTransform(X);
      expect(E.shape).toEqual([60, 2]);
      expect(ts.learningRate_).toBe(50);
      expect(ts.nIter_).toBe(299);
      expect(Number.isFinite(ts.klDivergence_)).toBe(true);
      expect(trustworthiness(X, E, 5)).toBeGreaterThan(0.9);
      const centre = (c: number): number[] => [0, 1].map((a) => [...Array(20).keys()].reduce((s, i) => s + E.data[(c * 20 + i) * 2 + a]!, 0) / 20);
      const spread = Math.max(...[...Array(60).keys()].map((i) => Math.hypot(E.data[i * 2]! - centre(y.data[i]!)[0]!, E.data[i * 2 + 1]! - centre(y.data[i]!)[1]!)));
      const gap = Math.min(...[[0, 1], [0, 2], [1, 2]].map(([a, b]) => Math.hypot(centre(a!)[0]! - centre(b!)[0]!, centre(a!)[1]! - centre(b!)[1]!)));
      expect(gap).toBeGreaterThan(spread);
    });
  }

  it('PCA init is scikit-learn’s: top components, svd_flip signs, PC1 scaled to std 1e-4', () => {
    const x = Float64Array.of(1, 2, 0.5, 2, 1, 1.5, 3, 4, 0.2, 0.5, 0.1, 2, 4, 3, 3);
    const ref = [4.1118506e-5, -6.9305242e-5, 4.6582694e-5, 1.9465832e-5, -1.18124955e-4, -7.6775723e-5, 1.41154352e-4, 2.7369629e-5, -1.10730596e-4, 9.9245504e-5];
    pcaInit(x, 5, 3, 2).forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 10));
  });

  it('rejects bad input with the argument named', async () => {
    await expect(new TSNE().fit(new Tensor('float64', [3, 2], Float64Array.of(1, 2, NaN, 4, 5, 6)))).rejects.toThrow(/X holds NaN at row 1, column 0/);
    await expect(new TSNE().fit(new Tensor('float64', [2, 2], Float64Array.of(1, Infinity, 3, 4)))).rejects.toThrow(/X holds Infinity/);
    await expect(new TSNE({ perplexity: 60 }).fit(X)).rejects.toThrow(/perplexity = 60 must be less than the number of samples \(60\)/);
    await expect(new TSNE({ init: new Tensor('float64', [59, 2]) }).fit(X)).rejects.toThrow(/init has shape \[59, 2\], expected \[samples, nComponents\] = \[60, 2\]/);
    expect(() => new TSNE({ nComponents: 3 })).toThrow(/method 'barnes_hut' supports nComponents = 2 here/);
    expect(() => new TSNE({ nIter: 100 })).toThrow(/nIter must be an integer in \[250, ∞\]/);
    expect(() => new TSNE({ method: 'fft' as never })).toThrow(/method must be 'barnes_hut' or 'exact'/);
    expect(() => trustworthiness(X, new Tensor('float64', [3, 2]), 5)).toThrow(/embedding has 3 rows for 60 samples in X/);
  });
});
