// The wav2vec 2.0 model on frame sequences (Baevski et al. 2020, §2; ssl-semi.md §2.5) and w2v-BERT's MLM
// module on top of it (Chung et al. 2021; §2.7): per-frame feature encoder → latents z; the quantiser on
// the unmasked z gives targets q; masked z are replaced by a learned vector and fed to a transformer
// context network → c. Graph builders and parameter shapes/initial values; the host loop is wav2vec2.ts.
import {
  GraphBuilder, Tensor, add, cast, div, gelu, greater, layerNorm, linear, linearInit, logSoftmax, maximum, mul, neg, oneHot, reshape, sum, where,
  type DType, type Graph, type Philox, type Value,
} from '@repkit/core';
import { encodeFrames, transformerInit, transformerParams, transformerShapes, type TransformerConfig } from '../encoders/transformer.ts';
import { contrastiveLoss, diversityLoss, gatherSteps, quantise, wav2vecLoss, type DiversityForm } from './wav2vec-losses.ts';

export interface Wav2VecConfig {
  /** Frame dimension F. */
  inputDim: number;
  /** Sequence length T. */
  length: number;
  /** Latent width ch and context width d (default 32 each). */
  latentDim?: number;
  dim?: number;
  heads?: number;
  layers?: number;
  /** Quantiser: G codebooks × V entries of size entryDim, projected to D = finalDim (defaults 2 × 8, 8, 32). */
  groups?: number;
  entries?: number;
  entryDim?: number;
  finalDim?: number;
  /** Distractors K (default 10), temperature κ (default 0.1), diversity weight α (default 0.1) and form. */
  K?: number;
  kappa?: number;
  alpha?: number;
  diversity?: DiversityForm;
  /** w2v-BERT: add the MLM module (blocks on the context output predicting the code ids), β L_c + γ L_mlm. */
  mlmLayers?: number;
  beta?: number;
  gamma?: number;
}

export type ResolvedWav2Vec = Required<Wav2VecConfig>;

export function resolveWav2Vec(c: Wav2VecConfig): ResolvedWav2Vec {
  const r: ResolvedWav2Vec = {
    latentDim: 32, dim: 32, heads: 4, layers: 2, groups: 2, entries: 8, entryDim: 8, finalDim: 32, K: 10, kappa: 0.1, alpha: 0.1,
    diversity: 'entropy', mlmLayers: 0, beta: 1, gamma: 1, ...c,
  };
  for (const k of ['inputDim', 'length', 'latentDim', 'dim', 'groups', 'entries', 'entryDim', 'finalDim', 'K'] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1) throw new Error(`${k} must be a positive integer, got ${r[k]}${k === 'K' ? ' (the number of distractors)' : ''}`);
  }
  if (!Number.isInteger(r.mlmLayers) || r.mlmLayers < 0) throw new Error(`mlmLayers must be an integer ≥ 0, got ${r.mlmLayers}`);
  if (!(r.kappa > 0)) throw new Error(`kappa (the contrastive temperature κ) must be positive, got ${r.kappa}`);
  if (!(r.alpha >= 0)) throw new Error(`alpha must be ≥ 0, got ${r.alpha}`);
  return r;
}

const contextConfig = (c: ResolvedWav2Vec): TransformerConfig => ({ inputDim: c.latentDim, dim: c.dim, heads: c.heads, layers: c.layers, ffDim: 2 * c.dim, maxLen: c.length });
const mlmConfig = (c: ResolvedWav2Vec): TransformerConfig => ({ inputDim: c.dim, dim: c.dim, heads: c.heads, layers: c.mlmLayers, ffDim: 2 * c.dim, maxLen: c.length });

/** Every parameter's shape by name. */
export function wav2vecShapes(config: Wav2VecConfig): Record<string, number[]> {
  const c = resolveWav2Vec(config);
  const s: Record<string, number[]> = {
    'fe.W': [c.inputDim, c.latentDim], 'fe.b': [c.latentDim], 'fe.lng': [c.latentDim], 'fe.lnb': [c.latentDim], maskEmb: [c.latentDim],
    'qz.Wl': [c.latentDim, c.groups * c.entries], 'qz.bl': [c.groups * c.entries], 'qz.e': [c.groups, c.entries, c.entryDim],
    'qz.Wq': [c.groups * c.entryDim, c.finalDim], 'qz.bq': [c.finalDim],
    ...transformerShapes(contextConfig(c), 'ctx.'),
    'pc.W': [c.dim, c.finalDim], 'pc.b': [c.finalDim],
  };
  if (c.mlmLayers > 0) Object.assign(s, transformerShapes(mlmConfig(c), 'mlm.'), { 'mlm.outW': [c.dim, c.groups * c.entries], 'mlm.outb': [c.groups * c.entries] });
  return s;
}

/** Linear layers as torch.nn.Linear; codebook entries and the mask vector U(0, 1) (fairseq's uniform_ init). */
export function wav2vecInit(rng: Philox, config: Wav2VecConfig, dtype: DType = 'float32'): Record<string, Tensor> {
  const c = resolveWav2Vec(config);
  const out: Record<string, Tensor> = { ...transformerInit(rng, contextConfig(c), dtype, 'ctx.') };
  if (c.mlmLayers > 0) Object.assign(out, transformerInit(rng, mlmConfig(c), dtype, 'mlm.'));
  const lin = (w: string, b: string, fanIn: number, fanOut: number): void => {
    const l = linearInit(rng, fanIn, fanOut, dtype);
    out[w] = l.W;
    out[b] = l.b;
  };
  lin('fe.W', 'fe.b', c.inputDim, c.latentDim);
  // fairseq's weight_proj is N(0, 1) over 512 unit-scale features (logit std ≈ √512); N(0, 512/ch) keeps that
  // logit scale at our width, so codes follow z rather than the Gumbel noise (std 1.28) from the start.
  const wlStd = Math.sqrt(512 / c.latentDim);
  out['qz.Wl'] = new Tensor('float64', [c.latentDim, c.groups * c.entries], rng.normals(c.latentDim * c.groups * c.entries, 0, wlStd)).cast(dtype);
  out['qz.bl'] = new Tensor(dtype, [c.groups * c.entries]);
  lin('qz.Wq', 'qz.bq', c.groups * c.entryDim, c.finalDim);
  lin('pc.W', 'pc.b', c.dim, c.finalDim);
  if (c.mlmLayers > 0) lin('mlm.outW', 'mlm.outb', c.dim, c.groups * c.entries);
  const u01 = (shape: number[]): Tensor => new Tensor('float64', shape, rng.uniforms(shape.reduce((p, q) => p * q, 1))).cast(dtype);
  out['qz.e'] = u01([c.groups, c.entries, c.entryDim]);
  out.maskEmb = u01([c.latentDim]);
  out['fe.lng'] = new Tensor('float64', [c.latentDim], new Float64Array(c.latentDim).fill(1)).cast(dtype);
  out['fe.lnb'] = new Tensor(dtype, [c.latentDim]);
  return out;
}

export interface Wav2VecValues {
  /** Contrastive module output projected to D, c [B, T, D]; context states [B, T, d]. */
  c: Value;
  context: Value;
  q: Value;
  logits: Value;
  index: Value;
}

/**
 * Latents z = LN(GELU(x W + b)) per frame: the layer norm (fairseq's on the CNN features) gives the
 * quantiser unit-scale inputs, so its logits dominate the Gumbel noise from the first step.
 */
function featureEncoder(frames: Value, P: (name: string) => Value): Value {
  return layerNorm(gelu(linear(frames, P('fe.W'), P('fe.b'))), P('fe.lng'), P('fe.lnb'));
}

/** The forward pass on frames [B, T, F] with masked steps (mask [B, T], 1 = masked). */
export function wav2vecForward(b: GraphBuilder, config: Wav2VecConfig, frames: Value, mask: Value, noise?: { u: Value; invTau: Value }): Wav2VecValues {
  const c = resolveWav2Vec(config);
  const shapes = wav2vecShapes(c);
  const P = (n: string): Value => b.param(n, frames.dtype, shapes[n]!);
  const z = featureEncoder(frames, P);
  const qz = quantise(z, { Wl: P('qz.Wl'), bl: P('qz.bl'), codebooks: P('qz.e'), Wq: P('qz.Wq'), bq: P('qz.bq') }, noise);
  const [B, T] = frames.shape;
  const masked = where(reshape(greater(mask, 0.5), [B!, T!, 1]), P('maskEmb'), z);
  const context = encodeFrames(transformerParams(b, contextConfig(c), frames.dtype, 'ctx.'), masked);
  return { c: linear(context, P('pc.W'), P('pc.b')), context, q: qz.q, logits: qz.logits, index: qz.index };
}

/** The data inputs of the loss and evaluation graphs for a batch of B sequences (masked steps padded to T). */
function declareBatch(b: GraphBuilder, c: ResolvedWav2Vec, B: number) {
  return {
    frames: b.data('frames', 'float32', [B, c.length, c.inputDim]),
    mask: b.data('mask', 'float32', [B, c.length]),
    index: b.data('index', 'int32', [B, c.length]),
    weight: b.data('weight', 'float32', [B, c.length]),
    distractors: b.data('distractors', 'int32', [B, c.length, c.K]),
  };
}

/** Training loss: L_m + α L_d (wav2vec 2.0), or β(L_m + α L_d) + γ L_mlm with the MLM module (w2v-BERT). */
export function wav2vecLossGraph(config: Wav2VecConfig, B: number): Graph {
  const c = resolveWav2Vec(config);
  const b = new GraphBuilder(c.mlmLayers ? 'w2v_bert' : 'wav2vec2');
  const x = declareBatch(b, c, B);
  const noise = { u: b.data('u', 'float32', [B, c.length, c.groups, c.entries]), invTau: b.data('invTau', 'float32', []) };
  const f = wav2vecForward(b, c, x.frames, x.mask, noise);
  const con = contrastiveLoss(gatherSteps(f.c, x.index), gatherSteps(f.q, x.index), x.distractors, c.kappa, x.weight, gatherSteps(cast(f.index, 'float32'), x.index));
  const ld = diversityLoss(f.logits, c.diversity);
  const lc = wav2vecLoss(con.loss, ld, c.alpha);
  if (!c.mlmLayers) return b.build({ loss: lc, contrastive: con.loss, diversity: ld });
  const mlm = mlmModuleLoss(b, c, f, x.index, x.weight);
  return b.build({ loss: add(mul(lc, c.beta), mul(mlm, c.gamma)), contrastive: con.loss, diversity: ld, mlm });
}

/** w2v-BERT's L_mlm: one CE per codebook of the quantiser's (discrete, so stop-gradient) ids at masked steps, summed. */
function mlmModuleLoss(b: GraphBuilder, c: ResolvedWav2Vec, f: Wav2VecValues, index: Value, weight: Value): Value {
  const shapes = wav2vecShapes(c);
  const h = encodeFrames(transformerParams(b, mlmConfig(c), f.context.dtype, 'mlm.'), f.context);
  const logits = linear(h, b.param('mlm.outW', h.dtype, shapes['mlm.outW']!), b.param('mlm.outb', h.dtype, shapes['mlm.outb']!));
  const B = index.shape[0] as number, S = index.shape[1] as number;
  const lm = reshape(gatherSteps(logits, index), [B * S * c.groups, c.entries]);
  const target = reshape(gatherSteps(f.index, index), [B * S * c.groups]);
  const w = reshape(weight, [B * S, 1]); // per masked-step slot, 0 on padding slots
  const nll = neg(sum(mul(logSoftmax(lm, -1), oneHot(target, c.entries, lm.dtype)), -1)); // [B·S·G]
  const perStep = sum(reshape(nll, [B * S, c.groups]), -1, true); // summed over codebooks
  return div(sum(mul(perStep, w)), maximum(sum(w), 1));
}

/** Evaluation: no Gumbel noise (argmax of l); which masked steps pick their positive, and every step's code ids. */
export function wav2vecEvalGraph(config: Wav2VecConfig, B: number): Graph {
  const c = resolveWav2Vec(config);
  const b = new GraphBuilder('wav2vec2_eval');
  const x = declareBatch(b, c, B);
  const f = wav2vecForward(b, c, x.frames, x.mask);
  const con = contrastiveLoss(gatherSteps(f.c, x.index), gatherSteps(f.q, x.index), x.distractors, c.kappa, x.weight, gatherSteps(cast(f.index, 'float32'), x.index));
  return b.build({ correct: con.correct, codes: f.index, loss: con.loss });
}

/** Inference encoder: frames [batch, T, F] → context states [batch, T, d] (nothing masked). */
export function wav2vecEncoderGraph(config: Wav2VecConfig): Graph {
  const c = resolveWav2Vec(config);
  const b = new GraphBuilder('wav2vec2_encoder');
  const frames = b.data('frames', 'float32', ['batch', c.length, c.inputDim]);
  const z = featureEncoder(frames, (n) => b.param(n, 'float32', wav2vecShapes(c)[n]!));
  const context = encodeFrames(transformerParams(b, contextConfig(c), 'float32', 'ctx.'), z);
  return b.build({ context });
}
