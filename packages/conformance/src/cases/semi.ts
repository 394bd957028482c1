// The soft-target building blocks of core (ssl-semi.md §1) and the semi-supervised losses (§3) forward and
// through their gradients, and 20 train steps of FixMatch, MixMatch and Mean Teacher (EMA teacher carried).
import * as op from '@repkit/core';
import { Tensor, adam, type GraphBuilder, type Philox, type Value } from '@repkit/core';
import { semi } from '@repkit/methods';
import type { Case } from '../case.ts';
import { ints, uniform } from './inputs.ts';

const f32 = (b: GraphBuilder, name: string, shape: readonly number[]): Value => b.data(name, 'float32', shape);

/** Rows that sum to 1, strictly positive: soft targets and probabilities. */
function distributions(rng: Philox, rows: number, cols: number): Tensor {
  const t = uniform(rng, [rows, cols], 0.05, 1);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += t.data[r * cols + c]!;
    for (let c = 0; c < cols; c++) t.data[r * cols + c]! /= s;
  }
  return t;
}

const blockCases: Case[] = [
  {
    name: 'softCrossEntropy/[6,5]', kind: 'reduction', grad: ['z', 'q'],
    build: (b) => ({ h: op.softCrossEntropy(f32(b, 'z', [6, 5]), f32(b, 'q', [6, 5])) }),
    feeds: (rng) => ({ z: uniform(rng, [6, 5], -3, 3), q: distributions(rng, 6, 5) }),
  },
  {
    name: 'entropyFromLogits/[6,5]', kind: 'reduction', grad: ['z'],
    build: (b) => ({ h: op.entropyFromLogits(f32(b, 'z', [6, 5])) }),
    feeds: (rng) => ({ z: uniform(rng, [6, 5], -4, 4) }),
  },
  {
    name: 'sharpen/T=0.5', kind: 'transcendental', grad: ['p'],
    build: (b) => ({ s: op.sharpen(f32(b, 'p', [6, 5]), 0.5) }),
    feeds: (rng) => ({ p: distributions(rng, 6, 5) }),
  },
  {
    name: 'mixup/row-lambda', kind: 'elementwise', grad: ['a', 'c', 'lambda'],
    build: (b) => ({ m: op.mixup(f32(b, 'a', [6, 4]), f32(b, 'c', [6, 4]), f32(b, 'lambda', [6, 1])) }),
    // λ kept off ½, where max(λ, 1 − λ) has its kink.
    feeds: (rng) => ({ a: uniform(rng, [6, 4]), c: uniform(rng, [6, 4]), lambda: new Tensor('float32', [6, 1], Float32Array.of(0.1, 0.3, 0.45, 0.55, 0.8, 0.95)) }),
  },
  {
    name: 'gumbelSoftmax/tau=0.7', kind: 'transcendental', grad: ['z'],
    build: (b) => {
      const g = op.gumbelSoftmax(f32(b, 'z', [5, 6]), f32(b, 'u', [5, 6]), 0.7);
      return { soft: g.soft, hard: g.hard };
    },
    feeds: (rng) => ({ z: uniform(rng, [5, 6], -2, 2), u: uniform(rng, [5, 6], 0.02, 0.98) }),
  },
  {
    name: 'emaUpdate/fed-decay', kind: 'elementwise', grad: ['teacher', 'student', 'decay'],
    build: (b) => ({ t: op.emaUpdate(f32(b, 'teacher', [4, 3]), f32(b, 'student', [4, 3]), f32(b, 'decay', [])) }),
    feeds: (rng) => ({ teacher: uniform(rng, [4, 3]), student: uniform(rng, [4, 3]), decay: new Tensor('float32', [], Float32Array.of(0.9)) }),
  },
];

const lossCases: Case[] = [
  {
    name: 'semi/fixmatch-unlabelled', kind: 'reduction', grad: ['weak', 'strong'],
    build: (b) => {
      const f = semi.fixmatchUnlabelledLoss(f32(b, 'weak', [12, 5]), f32(b, 'strong', [12, 5]), 0.6);
      return { loss: f.loss, mask: f.mask };
    },
    feeds: (rng) => ({ weak: uniform(rng, [12, 5], -3, 3), strong: uniform(rng, [12, 5], -3, 3) }),
  },
  {
    name: 'semi/mixmatch-losses', kind: 'reduction', grad: ['zx', 'zu'],
    build: (b) => {
      const m = semi.mixmatchLosses(f32(b, 'zx', [4, 5]), f32(b, 'px', [4, 5]), f32(b, 'zu', [8, 5]), f32(b, 'pu', [8, 5]));
      return { lx: m.lx, lu: m.lu };
    },
    feeds: (rng) => ({ zx: uniform(rng, [4, 5], -3, 3), px: distributions(rng, 4, 5), zu: uniform(rng, [8, 5], -3, 3), pu: distributions(rng, 8, 5) }),
  },
  {
    name: 'semi/mean-teacher-consistency', kind: 'reduction', grad: ['s', 't'],
    build: (b) => ({ j: semi.meanTeacherConsistency(f32(b, 's', [8, 5]), f32(b, 't', [8, 5])) }),
    feeds: (rng) => ({ s: uniform(rng, [8, 5], -3, 3), t: uniform(rng, [8, 5], -3, 3) }),
  },
  {
    name: 'semi/entropy-minimisation', kind: 'reduction', grad: ['z'],
    build: (b) => ({ h: semi.meanEntropy(f32(b, 'z', [8, 5])) }),
    feeds: (rng) => ({ z: uniform(rng, [8, 5], -3, 3) }),
  },
  {
    name: 'semi/distillation-T4', kind: 'reduction', grad: ['zs', 'zt'],
    build: (b) => {
      const d = semi.distillationLoss(f32(b, 'zs', [6, 5]), f32(b, 'zt', [6, 5]), b.data('y', 'int32', [6]), 4, 0.9);
      return { loss: d.loss, kl: d.kl };
    },
    feeds: (rng) => ({ zs: uniform(rng, [6, 5], -3, 3), zt: uniform(rng, [6, 5], -3, 3), y: ints(rng, [6], 0, 5) }),
  },
];

const SIZES = [12, 16, 5];
const net = (b: GraphBuilder, prefix = ''): ((x: Value) => Value) => {
  const p = op.mlpParams(b, SIZES, 'float32', prefix);
  return (x) => op.mlp(x, p);
};
const train = (extra: Partial<NonNullable<Case['train']>> = {}): NonNullable<Case['train']> => ({
  steps: 20, optimizer: () => adam({ lr: 1e-2, weightDecay: 5e-4 }), fuse: true, init: (rng) => op.mlpInit(rng, SIZES), ...extra,
});

const recipeCases: Case[] = [
  {
    name: 'semi/fixmatch-train-20', kind: 'train',
    build: (b) => {
      const f = net(b);
      const ls = op.crossEntropy(f(f32(b, 'xl', [6, 12])), b.data('y', 'int32', [6]));
      return { loss: op.add(ls, semi.fixmatchUnlabelledLoss(f(f32(b, 'uw', [12, 12])), f(f32(b, 'us', [12, 12])), 0.3).loss) };
    },
    feeds: (rng) => ({ xl: uniform(rng, [6, 12]), y: ints(rng, [6], 0, 5), uw: uniform(rng, [12, 12]), us: uniform(rng, [12, 12]) }),
    train: train(),
  },
  {
    name: 'semi/mixmatch-train-20', kind: 'train',
    build: (b) => {
      const f = net(b);
      const xl = f32(b, 'xl', [4, 12]), u = f32(b, 'u', [8, 12]), perm = b.data('perm', 'int32', [12]), lam = f32(b, 'lambda', []);
      const q = op.stopGradient(op.sharpen(op.mean(op.reshape(op.softmax(f(u), -1), [2, 4, 5]), 0), 0.5));
      const W = op.concat([xl, u], 0), P = op.concat([op.oneHot(b.data('y', 'int32', [4]), 5, 'float32'), q, q], 0);
      const z = f(op.mixup(W, op.gather(W, perm), lam)), p = op.mixup(P, op.gather(P, perm), lam);
      const m = semi.mixmatchLosses(op.slice(z, [0], [4], [0]), op.slice(p, [0], [4], [0]), op.slice(z, [4], [12], [0]), op.slice(p, [4], [12], [0]));
      return { loss: op.add(m.lx, op.mul(m.lu, 10)) };
    },
    feeds: (rng) => ({
      xl: uniform(rng, [4, 12]), u: uniform(rng, [8, 12]), y: ints(rng, [4], 0, 5),
      perm: new Tensor('int32', [12], rng.permutation(12)), lambda: new Tensor('float32', [], Float32Array.of(0.3)),
    }),
    train: train(),
  },
  {
    name: 'semi/mean-teacher-train-20', kind: 'train',
    build: (b) => {
      const student = net(b), teacher = net(b, 'teacher.');
      const x = f32(b, 'x', [10, 12]);
      const ls = student(x);
      const ce = op.crossEntropy(op.slice(ls, [0], [4], [0]), b.data('y', 'int32', [4]));
      return { loss: op.add(ce, op.mul(semi.meanTeacherConsistency(ls, teacher(f32(b, 'xt', [10, 12]))), 5)), decay: f32(b, 'decay', []) };
    },
    feeds: (rng) => ({ x: uniform(rng, [10, 12]), xt: uniform(rng, [10, 12]), y: ints(rng, [4], 0, 5), decay: new Tensor('float32', [], Float32Array.of(0.9)) }),
    train: train({
      params: ['W0', 'b0', 'W1', 'b1'],
      init: (rng) => {
        const s = op.mlpInit(rng, SIZES);
        return { ...s, ...Object.fromEntries(Object.entries(s).map(([k, v]) => [`teacher.${k}`, v])) };
      },
      carry: ({ next, input }) => Object.fromEntries(['W0', 'b0', 'W1', 'b1'].map((p) => [`teacher.${p}`, op.emaUpdate(input(`teacher.${p}`), next(p), input('decay'))])),
    }),
  },
];

export const semiCases: Case[] = [...blockCases, ...lossCases, ...recipeCases];
