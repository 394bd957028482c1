// Composite ops (plain functions over primitives) and training steps built from them.
import * as op from '@repkit/core';
import { adam, maxNorm, mlpInit, sgd, unitNorm, type GraphBuilder, type Value } from '@repkit/core';
import type { Case } from '../case.ts';
import { awayFromZero, ints, uniform } from './inputs.ts';

const f32 = (b: GraphBuilder, name: string, shape: readonly (number | string)[]): Value => b.data(name, 'float32', shape);

export const compositeCases: Case[] = [
  {
    name: 'linear/batch', kind: 'matmul', grad: ['x', 'W', 'b'],
    build: (b) => ({ y: op.linear(f32(b, 'x', ['batch', 8]), f32(b, 'W', [8, 4]), f32(b, 'b', [4])) }),
    feeds: (rng) => ({ x: uniform(rng, [5, 8]), W: uniform(rng, [8, 4]), b: uniform(rng, [4]) }),
  },
  {
    name: 'crossEntropy/batch', kind: 'reduction', grad: ['z'],
    build: (b) => ({ loss: op.crossEntropy(f32(b, 'z', ['batch', 10]), b.data('y', 'int32', ['batch'])) }),
    feeds: (rng) => ({ z: uniform(rng, [16, 10], -3, 3), y: ints(rng, [16], 0, 10) }),
  },
  ...[1, 2].map((p): Case => ({
    name: `norm/p=${p}`, kind: 'reduction', grad: ['x'],
    build: (b) => ({ y: op.norm(f32(b, 'x', [4, 6]), p) }),
    feeds: (rng) => ({ x: awayFromZero(rng, [4, 6]) }),
  })),
  {
    name: 'l2Normalize/rows', kind: 'reduction', grad: ['x'],
    build: (b) => ({ y: op.l2Normalize(f32(b, 'x', [4, 6])) }),
    feeds: (rng) => ({ x: awayFromZero(rng, [4, 6]) }),
  },
];

function mlpLoss(b: GraphBuilder, sizes: number[]): Record<string, Value> {
  const x = f32(b, 'x', ['batch', sizes[0]!]);
  const y = b.data('y', 'int32', ['batch']);
  return { loss: op.crossEntropy(op.mlp(x, op.mlpParams(b, sizes)), y) };
}

export const trainCases: Case[] = [
  {
    name: 'train/mlp-adam-20', kind: 'train',
    build: (b) => mlpLoss(b, [16, 32, 5]),
    feeds: (rng) => ({ x: uniform(rng, [24, 16]), y: ints(rng, [24], 0, 5) }),
    train: { steps: 20, optimizer: () => adam({ lr: 1e-2, weightDecay: 1e-3 }), init: (rng) => mlpInit(rng, [16, 32, 5]) },
  },
  {
    name: 'train/mlp-adam-fused-20', kind: 'train',
    build: (b) => mlpLoss(b, [16, 32, 5]),
    feeds: (rng) => ({ x: uniform(rng, [24, 16]), y: ints(rng, [24], 0, 5) }),
    train: { steps: 20, optimizer: () => adam({ lr: 1e-2, weightDecay: 1e-3 }), init: (rng) => mlpInit(rng, [16, 32, 5]), fuse: true },
  },
  {
    name: 'train/mlp-sgd-momentum-unitnorm-20', kind: 'train',
    build: (b) => mlpLoss(b, [8, 16, 3]),
    feeds: (rng) => ({ x: uniform(rng, [12, 8]), y: ints(rng, [12], 0, 3) }),
    train: {
      steps: 20, optimizer: () => sgd({ lr: 0.1, momentum: 0.9, nesterov: true }),
      constraints: { W0: unitNorm(0), W1: maxNorm(0.8, 0) }, init: (rng) => mlpInit(rng, [8, 16, 3]),
    },
  },
  {
    name: 'train/adamw-embeddings-20', kind: 'train',
    build: (b) => {
      const E = b.param('E', 'float32', [10, 4]);
      const rows = op.gather(E, b.data('ids', 'int32', [8]));
      return { loss: op.mean(op.norm(op.sub(rows, f32(b, 'target', [8, 4])), 1)) };
    },
    feeds: (rng) => ({ ids: ints(rng, [8], 0, 10), target: uniform(rng, [8, 4]) }),
    train: { steps: 20, optimizer: () => adam({ lr: 0.05, weightDecay: 0.01, decoupled: true }), constraints: { E: unitNorm() }, init: (rng) => ({ E: uniform(rng, [10, 4]) }) },
  },
];
