// Sequence self-supervision: the transformer encoder (tokens with a padding mask, frames), BERT's MLM and
// NSP losses, wav2vec 2.0's quantiser, contrastive and diversity losses, forward and through the gradient;
// and 20 training steps of small MLM, wav2vec 2.0 and w2v-BERT models.
import { Philox, Tensor, adam, scalar, type GraphBuilder, type Value } from '@repkit/core';
import { ssl } from '@repkit/methods';
import type { Case } from '../case.ts';
import { ints, uniform } from './inputs.ts';

const TOK: ssl.TransformerConfig = { vocab: 10, dim: 16, heads: 2, layers: 2, ffDim: 32, maxLen: 8, segments: 2 };
const FRAMES: ssl.TransformerConfig = { inputDim: 5, dim: 8, heads: 2, layers: 1, ffDim: 16, maxLen: 6 };
const W2V: ssl.Wav2VecConfig = { inputDim: 4, length: 10, latentDim: 8, dim: 8, heads: 2, layers: 1, groups: 2, entries: 4, entryDim: 4, finalDim: 8, K: 3 };

const f32 = (b: GraphBuilder, name: string, shape: number[]): Value => b.data(name, 'float32', shape);

/** A key mask [2, 8]: row 0 has 5 real tokens, row 1 all 8. */
const keyMask = (): Tensor => new Tensor('float32', [2, 8], Float32Array.from({ length: 16 }, (_, i) => (i < 5 || i >= 8 ? 1 : 0)));

/** Host draws of a wav2vec batch with masked-step slots padded to T (as the recipe feeds them). */
function w2vDraws(rng: Philox, B: number, c: ssl.Wav2VecConfig): Record<string, Tensor> {
  const T = c.length, K = c.K!;
  const m = ssl.spanMask(B, T, rng, { maskProb: 0.5, spanLength: 3 });
  const d = ssl.sampleDistractors(B, m.masked, K, rng);
  const index = new Int32Array(B * T), weight = new Float32Array(B * T), distractors = new Int32Array(B * T * K);
  for (let b = 0; b < B; b++) for (let i = 0; i < m.masked; i++) {
    index[b * T + i] = m.index.data[b * m.masked + i]!;
    weight[b * T + i] = 1;
    distractors.set(d.data.subarray((b * m.masked + i) * K, (b * m.masked + i + 1) * K), (b * T + i) * K);
  }
  return { mask: m.mask, index: new Tensor('int32', [B, T], index), weight: new Tensor('float32', [B, T], weight), distractors: new Tensor('int32', [B, T, K], distractors) };
}

// Adam's eps is 1e-6 in the train cases: the attention key bias has a gradient that is 0 in exact arithmetic
// (softmax ignores a per-row constant), and eps = 1e-8 would turn float32 round-off there into full-lr steps.
const gumbelU = (rng: Philox, shape: number[]): Tensor => uniform(rng, shape, 0.02, 0.98);

/** A loss graph of a method, adopted into the case's builder. */
function adoptLoss(b: GraphBuilder, g: ReturnType<typeof ssl.wav2vecLossGraph>): Record<string, Value> {
  const map = b.adopt(g);
  return { loss: map.get(g.output('loss').value)! };
}

const mlmModel = (nsp: boolean): ssl.MaskedLanguageModel => {
  const m = new ssl.MaskedLanguageModel({ dim: 16, heads: 2, layers: 1, ffDim: 32, batchSize: 4, nsp });
  m.items_ = 6;
  m.length_ = 6;
  return m;
};

export const sslSeqCases: Case[] = [
  {
    name: 'ssl/transformer/tokens,padding-mask,segments', kind: 'matmul', grad: ['enc.tok', 'enc.pos', 'enc.seg', 'enc.l0.Wqkv', 'enc.l1.W1', 'enc.lnfg'],
    build: (b) => {
      const p = ssl.transformerParams(b, TOK);
      return { h: ssl.encodeTokens(p, b.data('ids', 'int32', [2, 8]), f32(b, 'mask', [2, 8]), b.data('seg', 'int32', [2, 8])) };
    },
    feeds: (rng) => ({ ...ssl.transformerInit(rng, TOK), ids: ints(rng, [2, 8], 0, 10), mask: keyMask(), seg: ints(rng, [2, 8], 0, 2) }),
  },
  {
    name: 'ssl/transformer/frames', kind: 'matmul', grad: ['x', 'enc.inW', 'enc.l0.Wo', 'enc.l0.W2'],
    build: (b) => ({ h: ssl.encodeFrames(ssl.transformerParams(b, FRAMES), f32(b, 'x', [3, 6, 5])) }),
    feeds: (rng) => ({ ...ssl.transformerInit(rng, FRAMES), x: uniform(rng, [3, 6, 5]) }),
  },
  {
    name: 'ssl/mlm-loss', kind: 'matmul', grad: ['enc.tok', 'mlm.W', 'mlm.outB'],
    build: (b) => {
      const enc = ssl.transformerParams(b, { ...TOK, segments: 0 });
      const h = ssl.encodeTokens(enc, b.data('ids', 'int32', [2, 8]), f32(b, 'mask', [2, 8]));
      return { loss: ssl.maskedTokenLoss(ssl.mlmLogits(h, enc, ssl.mlmHeadParams(b, 16, 10)), b.data('labels', 'int32', [2, 8]), f32(b, 'weight', [2, 8])) };
    },
    feeds: (rng) => {
      const weight = new Tensor('float32', [2, 8], Float32Array.of(0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0));
      return { ...ssl.transformerInit(rng, { ...TOK, segments: 0 }), ...ssl.headsInit(rng, 16, 10, false), ids: ints(rng, [2, 8], 0, 10), mask: keyMask(), labels: ints(rng, [2, 8], 4, 10), weight };
    },
  },
  {
    name: 'ssl/nsp-loss', kind: 'matmul', grad: ['h', 'nsp.poolW', 'nsp.W'],
    build: (b) => ({ loss: ssl.nspLoss(ssl.nspLogits(f32(b, 'h', [4, 8, 16]), ssl.nspHeadParams(b, 16)), b.data('y', 'int32', [4])) }),
    feeds: (rng) => {
      const init = ssl.headsInit(rng, 16, 10, true);
      return { 'nsp.poolW': init['nsp.poolW']!, 'nsp.poolB': init['nsp.poolB']!, 'nsp.W': init['nsp.W']!, 'nsp.b': init['nsp.b']!, h: uniform(rng, [4, 8, 16], -2, 2), y: ints(rng, [4], 0, 2) };
    },
  },
  {
    name: 'ssl/wav2vec/quantiser,gumbel-straight-through', kind: 'matmul', grad: ['z', 'Wl', 'e', 'Wq'],
    build: (b) => {
      const r = ssl.quantise(f32(b, 'z', [2, 5, 6]), { Wl: f32(b, 'Wl', [6, 8]), bl: f32(b, 'bl', [8]), codebooks: f32(b, 'e', [2, 4, 3]), Wq: f32(b, 'Wq', [6, 5]), bq: f32(b, 'bq', [5]) },
        { u: f32(b, 'u', [2, 5, 2, 4]), invTau: b.data('invTau', 'float32', []) });
      return { q: r.q, index: r.index };
    },
    feeds: (rng) => ({
      z: uniform(rng, [2, 5, 6], -2, 2), Wl: uniform(rng, [6, 8], -2, 2), bl: uniform(rng, [8]), e: uniform(rng, [2, 4, 3]), Wq: uniform(rng, [6, 5]), bq: uniform(rng, [5]),
      u: gumbelU(rng, [2, 5, 2, 4]), invTau: scalar(1 / 1.5, 'float32'),
    }),
  },
  {
    name: 'ssl/wav2vec/contrastive,K=3,duplicate', kind: 'transcendental', grad: ['c', 'q'],
    build: (b) => {
      const index = b.data('index', 'int32', [2, 4]);
      const r = ssl.contrastiveLoss(ssl.gatherSteps(f32(b, 'c', [2, 6, 8]), index), ssl.gatherSteps(f32(b, 'q', [2, 6, 8]), index), b.data('neg', 'int32', [2, 4, 3]), 0.1);
      return { loss: r.loss, perStep: r.perStep };
    },
    feeds: (rng) => {
      const q = uniform(rng, [2, 6, 8]);
      q.data.copyWithin(8 * 3, 8 * 1, 8 * 2); // step 3 of row 0 repeats step 1: a distractor equal to a positive
      return { c: uniform(rng, [2, 6, 8]), q, index: new Tensor('int32', [2, 4], Int32Array.of(1, 2, 3, 5, 0, 1, 4, 5)), neg: ssl.sampleDistractors(2, 4, 3, rng) };
    },
  },
  ...(['entropy', 'perplexity'] as const).map((form): Case => ({
    name: `ssl/wav2vec/diversity,${form}`, kind: 'transcendental', grad: ['l'],
    build: (b) => ({ loss: ssl.diversityLoss(f32(b, 'l', [3, 5, 2, 4]), form) }),
    feeds: (rng) => ({ l: uniform(rng, [3, 5, 2, 4], -3, 3) }),
  })),
  {
    name: 'ssl/mlm/train-20', kind: 'train',
    build: (b) => adoptLoss(b, mlmModel(false).lossGraph(4)),
    feeds: (rng) => {
      const x = new Tensor('int32', [4, 6], rng.integers(24, 0, 6));
      const c = ssl.corruptTokens(ssl.withSpecials(x), rng, { items: 6, maskProb: 0.3 });
      return { ids: c.ids, labels: c.labels, weight: c.weight };
    },
    train: {
      steps: 20, optimizer: () => adam({ lr: 3e-3, eps: 1e-6 }), fuse: true,
      init: (rng) => ({ ...ssl.transformerInit(rng, mlmModel(false).encoderConfig()), ...ssl.headsInit(rng, 16, 10, false) }),
    },
  },
  {
    name: 'ssl/wav2vec2/train-20', kind: 'train',
    build: (b) => adoptLoss(b, ssl.wav2vecLossGraph(W2V, 3)),
    feeds: (rng) => ({ frames: uniform(rng, [3, 10, 4], -2, 2), ...w2vDraws(rng, 3, W2V), u: gumbelU(rng, [3, 10, 2, 4]), invTau: scalar(0.5, 'float32') }),
    train: { steps: 20, optimizer: () => adam({ lr: 1e-3, eps: 1e-6 }), fuse: true, init: (rng) => ssl.wav2vecInit(rng, W2V) },
  },
  {
    name: 'ssl/w2v-bert/train-20', kind: 'train',
    build: (b) => adoptLoss(b, ssl.wav2vecLossGraph({ ...W2V, mlmLayers: 1 }, 3)),
    feeds: (rng) => ({ frames: uniform(rng, [3, 10, 4], -2, 2), ...w2vDraws(rng, 3, W2V), u: gumbelU(rng, [3, 10, 2, 4]), invTau: scalar(0.5, 'float32') }),
    train: { steps: 20, optimizer: () => adam({ lr: 1e-3, eps: 1e-6 }), fuse: true, init: (rng) => ssl.wav2vecInit(rng, { ...W2V, mlmLayers: 1 }) },
  },
];
