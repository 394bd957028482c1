// Self-supervised losses (ssl-semi.md §2, kge-graph-recsys-metric.md §7) forward and through their gradients,
// the CNN encoder, and 20 Adam steps of small SimCLR, RotNet and ReSSL recipes on their own loss graphs.
import { Philox, Tensor, adam, type Graph, type GraphBuilder, type Value } from '@repkit/core';
import { ssl } from '@repkit/methods';
import type { Case } from '../case.ts';
import { uniform } from './inputs.ts';

const f32 = (b: GraphBuilder, name: string, shape: readonly number[]): Value => b.data(name, 'float32', shape);
const B = 6, P = 5;

function lossCase(name: string, grad: string[], shapes: Record<string, number[]>, loss: (v: Record<string, Value>) => Value, lo = -1, hi = 1): Case {
  return {
    name: `ssl/${name}`, kind: 'reduction', grad,
    build: (b) => ({ loss: loss(Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, f32(b, k, s)]))) }),
    feeds: (rng) => Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, uniform(rng, s, lo, hi)])),
  };
}

const pair = { z1: [B, P], z2: [B, P] };
const lossCases: Case[] = [
  lossCase('ntXent/tau=0.5', ['z1', 'z2'], pair, (v) => ssl.ntXent(v.z1!, v.z2!, 0.5)),
  lossCase('ntXent/tau=0.1', ['z1', 'z2'], pair, (v) => ssl.ntXent(v.z1!, v.z2!, 0.1)),
  lossCase('infoNCE/shared,cosine', ['z1', 'z2', 'n'], { ...pair, n: [7, P] }, (v) => ssl.infoNCE(v.z1!, v.z2!, v.n!, { tau: 0.2 })),
  lossCase('infoNCE/per-anchor,dot', ['z1', 'z2', 'n'], { ...pair, n: [B, 4, P] }, (v) => ssl.infoNCE(v.z1!, v.z2!, v.n!, { sim: 'dot' })),
  lossCase('debiasedContrastive', ['z1', 'z2'], pair, (v) => ssl.debiasedContrastive(v.z1!, v.z2!, { tau: 0.5, tauPlus: 0.1 })),
  lossCase('hardNegativeContrastive', ['z1', 'z2'], pair, (v) => ssl.hardNegativeContrastive(v.z1!, v.z2!, { tau: 0.5, tauPlus: 0.1, beta: 1 })),
  lossCase('resslLoss', ['s'], { t: [B, P], s: [B, P], q: [9, P] }, (v) => ssl.resslLoss(v.t!, v.s!, v.q!)),
  lossCase('rotationLoss', ['z'], { z: [4 * B, 4] }, (v) => ssl.rotationLoss(v.z!), -3, 3),
  lossCase('consistencyLoss', ['a', 'b'], { a: [B, 4], b: [B, 4] }, (v) => ssl.consistencyLoss(v.a!, v.b!), -3, 3),
];

// The CNN encoder on 8×8 images, small widths.
const cnn = new ssl.CnnEncoder({ channels: [4, 6], hidden: 8 });
const cnnNames = Object.keys(cnn.init(new Philox(0)));
const cnnCase: Case = {
  name: 'ssl/cnn-encoder/8x8', kind: 'matmul', grad: ['x', ...cnnNames],
  build: (b) => {
    const p = Object.fromEntries(cnnNames.map((k) => [k, f32(b, k, cnn.init(new Philox(0))[k]!.shape as number[])]));
    const [pooled, hidden] = cnn.apply(f32(b, 'x', [3, 64]), p);
    return { pooled: pooled!, hidden: hidden! };
  },
  feeds: (rng) => ({ x: uniform(rng, [3, 64], 0, 1), ...cnn.init(rng) }),
};

// Recipes on 4×4 images with a 12-12 MLP encoder: each one's loss graph, trained 20 steps on fixed feeds.
const encoder = new ssl.MlpEncoder({ hidden: [12, 12], imageShape: [4, 4] });
const recipeOpts = { encoder, batchSize: 4, projection: 6 } as const;

function recipeCase(name: string, model: ssl.SelfSupervised & { lossGraph(): Graph }, feeds: (rng: Philox) => Record<string, Tensor>, extraInit: (init: Record<string, Tensor>, rng: Philox) => Record<string, Tensor> = () => ({})): Case {
  return {
    name: `ssl/${name}/train-20`, kind: 'train',
    build: (b) => {
      const g = model.lossGraph();
      return { loss: b.adopt(g).get(g.outputs[0]!.value)! };
    },
    feeds,
    train: {
      steps: 20, fuse: true, optimizer: () => adam({ lr: 1e-2, weightDecay: model.weightDecay }),
      init: (rng) => {
        const init = model.initialParams(rng);
        return { ...init, ...extraInit(init, rng) };
      },
    },
  };
}

const teacherOf = (init: Record<string, Tensor>): Record<string, Tensor> => Object.fromEntries(Object.entries(init).map(([k, t]) => [`teacher.${k}`, t]));
const recipeCases: Case[] = [
  recipeCase('simclr', new ssl.SimCLR({ ...recipeOpts, tau: 0.5 }), (rng) => ({ x: uniform(rng, [8, 16], 0, 1) })),
  recipeCase('rotnet', new ssl.RotNet({ encoder, batchSize: 4 }), (rng) => ({ x: uniform(rng, [16, 16], 0, 1) })),
  // The teacher's parameters sit behind a stop-gradient; this case trains every param input, so they move by weight decay only.
  recipeCase('ressl', new ssl.ReSSL({ ...recipeOpts, queueSize: 8 }), (rng) => ({
    x1: uniform(rng, [4, 16], 0, 1), x2: uniform(rng, [4, 16], 0, 1), queue: uniform(rng, [8, 6]),
  }), (init) => teacherOf(init)),
];

export const sslCases: Case[] = [...lossCases, cnnCase, ...recipeCases];
