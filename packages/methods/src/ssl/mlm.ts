// BERT's pre-training heads on a transformer encoder (Devlin et al. 2019, §3.1 and appendix A.1): the masked-
// token head (dense + GELU + layer norm, output tied to the input embedding) and next-sentence prediction
// on [CLS] (tanh pooler, 2-way softmax). ssl-semi.md §2.6.
import {
  Tensor, add, argmax, crossEntropy, div, gelu, layerNorm, linear, linearInit, logSoftmax, matmul, maximum, mul, neg,
  oneHot, slice, squeeze, sum, swapLast, tanh, type DType, type GraphBuilder, type Philox, type Value,
} from '@repkit/core';
import type { TransformerParams } from '../encoders/transformer.ts';

export interface MlmHeadParams {
  W: Value;
  b: Value;
  lng: Value;
  lnb: Value;
  /** Output bias per token [vocab]; the output weights are the token embedding. */
  outB: Value;
}

export interface NspHeadParams {
  poolW: Value;
  poolB: Value;
  W: Value;
  b: Value;
}

export function mlmHeadShapes(d: number, vocab: number): Record<string, number[]> {
  return { 'mlm.W': [d, d], 'mlm.b': [d], 'mlm.lng': [d], 'mlm.lnb': [d], 'mlm.outB': [vocab] };
}

export function nspHeadShapes(d: number): Record<string, number[]> {
  return { 'nsp.poolW': [d, d], 'nsp.poolB': [d], 'nsp.W': [d, 2], 'nsp.b': [2] };
}

export function mlmHeadParams(b: GraphBuilder, d: number, vocab: number, dtype: DType = 'float32'): MlmHeadParams {
  const p = (n: string): Value => b.param(`mlm.${n}`, dtype, mlmHeadShapes(d, vocab)[`mlm.${n}`]!);
  return { W: p('W'), b: p('b'), lng: p('lng'), lnb: p('lnb'), outB: p('outB') };
}

export function nspHeadParams(b: GraphBuilder, d: number, dtype: DType = 'float32'): NspHeadParams {
  const p = (n: string): Value => b.param(`nsp.${n}`, dtype, nspHeadShapes(d)[`nsp.${n}`]!);
  return { poolW: p('poolW'), poolB: p('poolB'), W: p('W'), b: p('b') };
}

/** Linear layers as torch.nn.Linear, the layer norm at (1, 0), the output bias at 0. */
export function headsInit(rng: Philox, d: number, vocab: number, nsp: boolean, dtype: DType = 'float32'): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  const dense = linearInit(rng, d, d, dtype);
  out['mlm.W'] = dense.W;
  out['mlm.b'] = dense.b;
  out['mlm.lng'] = new Tensor('float64', [d], new Float64Array(d).fill(1)).cast(dtype);
  out['mlm.lnb'] = new Tensor(dtype, [d]);
  out['mlm.outB'] = new Tensor(dtype, [vocab]);
  if (nsp) {
    const pool = linearInit(rng, d, d, dtype), cls = linearInit(rng, d, 2, dtype);
    Object.assign(out, { 'nsp.poolW': pool.W, 'nsp.poolB': pool.b, 'nsp.W': cls.W, 'nsp.b': cls.b });
  }
  return out;
}

/** Token logits [B, L, vocab] = LN(GELU(h W + b)) Eᵀ + b_out, E the encoder's token table (tied weights). */
export function mlmLogits(h: Value, enc: TransformerParams, head: MlmHeadParams): Value {
  if (!enc.tok) throw new Error('mlmLogits: the encoder has no token table to tie the output to; build it with vocab');
  const t = layerNorm(gelu(linear(h, head.W, head.b)), head.lng, head.lnb);
  return add(matmul(t, swapLast(enc.tok)), head.outB);
}

/**
 * L_MLM: cross-entropy of the true token at the selected positions only, averaged over the selected
 * positions of the batch (weight 1 there, 0 elsewhere; labels there are token ids).
 */
export function maskedTokenLoss(logits: Value, labels: Value, weight: Value): Value {
  const vocab = logits.shape[logits.rank - 1] as number;
  const nll = neg(sum(mul(logSoftmax(logits, -1), oneHot(labels, vocab, logits.dtype)), -1));
  return div(sum(mul(nll, weight)), maximum(sum(weight), 1));
}

/** NSP logits [B, 2] from the [CLS] output: tanh pooler, then a linear layer. */
export function nspLogits(h: Value, head: NspHeadParams): Value {
  const cls = squeeze(slice(h, [0], [1], [1]), 1);
  return linear(tanh(linear(cls, head.poolW, head.poolB)), head.W, head.b);
}

/** L_NSP: 2-way cross-entropy, label 0 = IsNext, 1 = NotNext. */
export function nspLoss(logits: Value, isNotNext: Value): Value {
  return crossEntropy(logits, isNotNext);
}

/** The predicted token at every position [B, L] (int32). */
export const predictedTokens = (logits: Value): Value => argmax(logits, -1);
