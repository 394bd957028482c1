// Cases for the composites of core/nn: similarity, divergences, normalisation, dropout, GELU.
import * as op from '@repkit/core';
import { Tensor, type GraphBuilder, type Philox, type Value } from '@repkit/core';
import type { Case } from '../case.ts';
import { awayFromZero, uniform } from './inputs.ts';

const f32 = (b: GraphBuilder, name: string, shape: readonly (number | string)[]): Value => b.data(name, 'float32', shape);

/** Rows of positive weights normalised to sum 1 along the last axis, with some exact zeros. */
function distributions(rng: Philox, shape: number[], zeros = false): Tensor {
  const t = uniform(rng, shape, 0.05, 1);
  const n = shape[shape.length - 1]!;
  for (let r = 0; r < t.size / n; r++) {
    if (zeros) t.data[r * n + (r % n)] = 0;
    let s = 0;
    for (let j = 0; j < n; j++) s += t.data[r * n + j]!;
    for (let j = 0; j < n; j++) t.data[r * n + j]! /= s;
  }
  return t;
}

// Normalised outputs get β ∈ [3, 4], so that γ·z + β never cancels to near 0, and GELU's inputs stay
// above −2: float32 cancellation (of y + β, of 1 + erf in GELU's tail) costs every engine about one ulp
// of the largest value, which the relative-with-floor metric reads as > 1e-5 on some seeds.
export const nnCases: Case[] = [
  {
    name: 'cosineSimilarity/broadcast', kind: 'reduction', grad: ['a', 'b'],
    build: (b) => ({ y: op.cosineSimilarity(f32(b, 'a', ['batch', 3, 8]), f32(b, 'b', [3, 8])) }),
    feeds: (rng) => ({ a: awayFromZero(rng, [4, 3, 8]), b: awayFromZero(rng, [3, 8]) }),
  },
  {
    name: 'cosineSimilarityMatrix/rows', kind: 'matmul', grad: ['A', 'B'],
    build: (b) => ({ S: op.cosineSimilarityMatrix(f32(b, 'A', ['batch', 16]), f32(b, 'B', [7, 16])) }),
    feeds: (rng) => ({ A: awayFromZero(rng, [5, 16]), B: awayFromZero(rng, [7, 16]) }),
  },
  {
    name: 'klDivergence/with-zeros', kind: 'reduction', grad: ['p', 'q'],
    build: (b) => ({ kl: op.klDivergence(f32(b, 'p', ['batch', 6]), f32(b, 'q', ['batch', 6])) }),
    feeds: (rng) => ({ p: distributions(rng, [5, 6], true), q: distributions(rng, [5, 6]) }),
  },
  {
    name: 'klDivergenceLogits/rows', kind: 'reduction', grad: ['zp', 'zq'],
    build: (b) => ({ kl: op.klDivergenceLogits(f32(b, 'zp', [4, 7]), f32(b, 'zq', [4, 7])) }),
    feeds: (rng) => ({ zp: uniform(rng, [4, 7], -3, 3), zq: uniform(rng, [4, 7], -3, 3) }),
  },
  {
    name: 'entropy/with-zeros', kind: 'reduction', grad: ['p'],
    build: (b) => ({ h: op.entropy(f32(b, 'p', [5, 6])) }),
    feeds: (rng) => ({ p: distributions(rng, [5, 6], true) }),
  },
  {
    name: 'batchNorm/training,NCHW,running-update', kind: 'reduction', grad: ['x', 'gamma', 'beta'],
    build: (b) => {
      const r = op.batchNorm(f32(b, 'x', [4, 3, 5, 5]), f32(b, 'gamma', [3]), f32(b, 'beta', [3]), {
        running: { mean: f32(b, 'runMean', [3]), variance: f32(b, 'runVar', [3]) },
      });
      return { y: r.y, mean: r.mean, variance: r.variance, newMean: r.running!.mean, newVar: r.running!.variance };
    },
    feeds: (rng) => ({
      x: uniform(rng, [4, 3, 5, 5], -2, 3), gamma: uniform(rng, [3], 0.5, 1.5), beta: uniform(rng, [3], 3, 4),
      runMean: uniform(rng, [3], 0, 1), runVar: uniform(rng, [3], 0.5, 2),
    }),
  },
  {
    name: 'batchNorm/training,batch,features', kind: 'reduction', grad: ['x', 'gamma', 'beta'],
    build: (b) => {
      const r = op.batchNorm(f32(b, 'x', ['batch', 6]), f32(b, 'gamma', [6]), f32(b, 'beta', [6]), {
        momentum: 0.2, running: { mean: f32(b, 'runMean', [6]), variance: f32(b, 'runVar', [6]) },
      });
      return { y: r.y, newVar: r.running!.variance };
    },
    feeds: (rng) => ({
      x: uniform(rng, [9, 6], -1, 2), gamma: uniform(rng, [6], 0.5, 1.5), beta: uniform(rng, [6], 3, 4),
      runMean: uniform(rng, [6], 0, 1), runVar: uniform(rng, [6], 0.5, 2),
    }),
  },
  {
    name: 'batchNormInference/NCHW', kind: 'transcendental', grad: ['x', 'gamma', 'beta'],
    build: (b) => ({
      y: op.batchNormInference(f32(b, 'x', ['batch', 3, 4, 4]), f32(b, 'gamma', [3]), f32(b, 'beta', [3]), { mean: f32(b, 'm', [3]), variance: f32(b, 'v', [3]) }),
    }),
    feeds: (rng) => ({ x: uniform(rng, [2, 3, 4, 4]), gamma: uniform(rng, [3], 0.5, 1.5), beta: uniform(rng, [3], 3, 4), m: uniform(rng, [3]), v: uniform(rng, [3], 0.5, 2) }),
  },
  {
    name: 'layerNorm/last-dim', kind: 'reduction', grad: ['x', 'gamma', 'beta'],
    build: (b) => ({ y: op.layerNorm(f32(b, 'x', ['batch', 10]), f32(b, 'gamma', [10]), f32(b, 'beta', [10])) }),
    feeds: (rng) => ({ x: uniform(rng, [4, 10], -2, 2), gamma: uniform(rng, [10], 0.5, 1.5), beta: uniform(rng, [10], 3, 4) }),
  },
  {
    name: 'layerNorm/two-dims,no-affine', kind: 'reduction', grad: ['x'],
    build: (b) => ({ y: op.layerNorm(f32(b, 'x', [2, 3, 4, 5]), undefined, undefined, { dims: 2 }) }),
    feeds: (rng) => ({ x: uniform(rng, [2, 3, 4, 5], -2, 2) }),
  },
  {
    name: 'dropout/p=0.25,mask-input', kind: 'elementwise', grad: ['x'],
    build: (b) => ({ y: op.dropout(f32(b, 'x', ['batch', 8]), f32(b, 'mask', ['batch', 8]), 0.25) }),
    feeds: (rng) => ({ x: uniform(rng, [6, 8]), mask: new Tensor('float32', [6, 8], Float32Array.from(rng.uniforms(48, 0, 1), (u) => (u < 0.75 ? 1 : 0))) }),
  },
  {
    name: 'gelu/erf-form', kind: 'transcendental', grad: ['x'],
    build: (b) => ({ y: op.gelu(f32(b, 'x', [5, 8])) }),
    feeds: (rng) => ({ x: uniform(rng, [5, 8], -2, 6) }),
  },
];
