// A small transformer encoder (Vaswani et al. 2017, §3.1–3.3): token embedding or a linear frame
// projection, learned positions, pre-LN blocks (Xiong et al. 2020) of multi-head self-attention with a
// key-padding mask, GELU feed-forward and residuals, and a final layer norm.
import {
  Tensor, add, div, gather, gelu, greater, layerNorm, linear, linearInit, matmul, mul, reshape, slice, softmax, sum, swapLast,
  transpose, uniformInit, where, type DType, type GraphBuilder, type Philox, type Value,
} from '@repkit/core';

export interface TransformerConfig {
  /** Token vocabulary (specials included): inputs are int32 ids. Give this or `inputDim`. */
  vocab?: number;
  /** Frame dimension: inputs are float frames projected linearly. Give this or `vocab`. */
  inputDim?: number;
  /** Model width d (default 64). */
  dim?: number;
  /** Attention heads; must divide `dim` (default 4). */
  heads?: number;
  /** Blocks (default 2). */
  layers?: number;
  /** Feed-forward width (default 4·dim). */
  ffDim?: number;
  /** Longest sequence (rows of the position table). */
  maxLen: number;
  /** Segment vocabulary for BERT's segment ids (default 0: none). */
  segments?: number;
}

export type ResolvedTransformer = Required<Omit<TransformerConfig, 'vocab' | 'inputDim'>> & { vocab?: number; inputDim?: number };

export function resolveTransformer(c: TransformerConfig): ResolvedTransformer {
  const dim = c.dim ?? 64, heads = c.heads ?? 4;
  const r = { ...c, dim, heads, layers: c.layers ?? 2, ffDim: c.ffDim ?? 4 * dim, segments: c.segments ?? 0 };
  for (const k of ['dim', 'heads', 'layers', 'ffDim', 'maxLen'] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1) throw new Error(`transformer: ${k} must be a positive integer, got ${r[k]}`);
  }
  if (dim % heads !== 0) throw new Error(`transformer: heads (${heads}) must divide dim (${dim}); pick e.g. heads = ${[1, 2, 4, 8].filter((h) => dim % h === 0).pop()}`);
  if ((c.vocab === undefined) === (c.inputDim === undefined)) throw new Error('transformer: give exactly one of vocab (token ids) or inputDim (frames)');
  return r;
}

/** The parameters as graph values, by role. */
export interface TransformerParams {
  config: ResolvedTransformer;
  /** Token table [vocab, d] (also the tied MLM output layer) or frame projection W [inputDim, d] with bias. */
  tok?: Value;
  inW?: Value;
  inB?: Value;
  pos: Value;
  seg?: Value;
  blocks: { ln1g: Value; ln1b: Value; Wqkv: Value; bqkv: Value; Wo: Value; bo: Value; ln2g: Value; ln2b: Value; W1: Value; b1: Value; W2: Value; b2: Value }[];
  lnfg: Value;
  lnfb: Value;
}

/** Shapes of every parameter by name (prefix + role). */
export function transformerShapes(config: TransformerConfig, prefix = 'enc.'): Record<string, number[]> {
  const c = resolveTransformer(config), d = c.dim;
  const s: Record<string, number[]> = {};
  if (c.vocab !== undefined) s[`${prefix}tok`] = [c.vocab, d];
  else { s[`${prefix}inW`] = [c.inputDim!, d]; s[`${prefix}inB`] = [d]; }
  s[`${prefix}pos`] = [c.maxLen, d];
  if (c.segments) s[`${prefix}seg`] = [c.segments, d];
  for (let l = 0; l < c.layers; l++) {
    const p = `${prefix}l${l}.`;
    Object.assign(s, {
      [`${p}ln1g`]: [d], [`${p}ln1b`]: [d], [`${p}Wqkv`]: [d, 3 * d], [`${p}bqkv`]: [3 * d], [`${p}Wo`]: [d, d], [`${p}bo`]: [d],
      [`${p}ln2g`]: [d], [`${p}ln2b`]: [d], [`${p}W1`]: [d, c.ffDim], [`${p}b1`]: [c.ffDim], [`${p}W2`]: [c.ffDim, d], [`${p}b2`]: [d],
    });
  }
  s[`${prefix}lnfg`] = [d];
  s[`${prefix}lnfb`] = [d];
  return s;
}

/** Declare the parameters on a builder. */
export function transformerParams(b: GraphBuilder, config: TransformerConfig, dtype: DType = 'float32', prefix = 'enc.'): TransformerParams {
  const c = resolveTransformer(config);
  const v: Record<string, Value> = {};
  for (const [name, shape] of Object.entries(transformerShapes(c, prefix))) v[name.slice(prefix.length)] = b.param(name, dtype, shape);
  const blocks = Array.from({ length: c.layers }, (_, l) => {
    const g = (k: string): Value => v[`l${l}.${k}`]!;
    return { ln1g: g('ln1g'), ln1b: g('ln1b'), Wqkv: g('Wqkv'), bqkv: g('bqkv'), Wo: g('Wo'), bo: g('bo'), ln2g: g('ln2g'), ln2b: g('ln2b'), W1: g('W1'), b1: g('b1'), W2: g('W2'), b2: g('b2') };
  });
  return { config: c, tok: v.tok, inW: v.inW, inB: v.inB, pos: v.pos!, seg: v.seg, blocks, lnfg: v.lnfg!, lnfb: v.lnfb! };
}

/** Initial values: embeddings U(±√3·0.02) (std 0.02, as BERT), linear layers as torch.nn.Linear, LN at (1, 0). */
export function transformerInit(rng: Philox, config: TransformerConfig, dtype: DType = 'float32', prefix = 'enc.'): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  const emb = 0.02 * Math.sqrt(3);
  for (const [name, shape] of Object.entries(transformerShapes(config, prefix))) {
    const role = name.slice(name.lastIndexOf('.') + 1);
    if (role === 'tok' || role === 'pos' || role === 'seg') out[name] = uniformInit(rng, shape, emb, dtype);
    else if (/^ln\w?g$/.test(role) || role === 'lnfg') out[name] = new Tensor('float64', shape, new Float64Array(shape[0]!).fill(1)).cast(dtype);
    else if (/^ln\w?b$/.test(role) || role === 'lnfb') out[name] = new Tensor(dtype, shape);
    else if (shape.length === 2) out[name] = linearInit(rng, shape[0]!, shape[1]!, dtype).W;
    else out[name] = uniformInit(rng, shape, 1 / Math.sqrt(fanInOfBias(name, config)), dtype);
  }
  return out;
}

function fanInOfBias(name: string, config: TransformerConfig): number {
  const c = resolveTransformer(config);
  const role = name.slice(name.lastIndexOf('.') + 1);
  if (role === 'inB') return c.inputDim!;
  if (role === 'b2') return c.ffDim;
  return c.dim;
}

/** Token ids [B, T] (and segment ids) → h₀ = E[ids] + P[0:T] (+ S[segments]). */
export function embedTokens(p: TransformerParams, ids: Value, segments?: Value): Value {
  if (!p.tok) throw new Error('embedTokens: this encoder takes frames (inputDim); use embedFrames');
  const T = ids.shape[1] as number;
  let h = add(gather(p.tok, ids), slice(p.pos, [0], [T], [0]));
  if (segments) {
    if (!p.seg) throw new Error('embedTokens: segment ids given, but the encoder has segments = 0; set segments: 2');
    h = add(h, gather(p.seg, segments));
  }
  return h;
}

/** Frames [B, T, F] → h₀ = frames·W + b + P[0:T]. */
export function embedFrames(p: TransformerParams, frames: Value): Value {
  if (!p.inW) throw new Error('embedFrames: this encoder takes token ids (vocab); use embedTokens');
  return addPositions(p, linear(frames, p.inW, p.inB));
}

/** h + P[0:T] for already-projected inputs [B, T, d]. */
export function addPositions(p: TransformerParams, h: Value): Value {
  return add(h, slice(p.pos, [0], [h.shape[1] as number], [0]));
}

/**
 * Multi-head self-attention, softmax(QKᵀ/√d_h + mask)V: keys where `keyMask` [B, T] is 0 get logit −1e9
 * (float32) or −∞ (float64), so padded positions receive no attention.
 */
export function selfAttention(h: Value, blk: TransformerParams['blocks'][number], heads: number, keyMask?: Value): Value {
  const [B, T, d] = h.shape as [number | string, number, number];
  const dh = d / heads;
  const qkv = linear(h, blk.Wqkv, blk.bqkv);
  const split = (k: number): Value => transpose(reshape(slice(qkv, [k * d], [(k + 1) * d], [2]), [B, T, heads, dh]), [0, 2, 1, 3]);
  const [Q, K, V] = [split(0), split(1), split(2)];
  let logits = mul(matmul(Q, swapLast(K)), 1 / Math.sqrt(dh));
  if (keyMask) {
    const keep = reshape(greater(keyMask, 0.5), [B, 1, 1, T]);
    logits = where(keep, logits, h.dtype === 'float64' ? -Infinity : -1e9);
  }
  const ctx = reshape(transpose(matmul(softmax(logits, -1), V), [0, 2, 1, 3]), [B, T, d]);
  return linear(ctx, blk.Wo, blk.bo);
}

/** The pre-LN blocks and the final layer norm over h₀ [B, T, d] → [B, T, d]. */
export function transformerEncode(p: TransformerParams, h0: Value, keyMask?: Value): Value {
  let h = h0;
  for (const blk of p.blocks) {
    h = add(h, selfAttention(layerNorm(h, blk.ln1g, blk.ln1b), blk, p.config.heads, keyMask));
    h = add(h, linear(gelu(linear(layerNorm(h, blk.ln2g, blk.ln2b), blk.W1, blk.b1)), blk.W2, blk.b2));
  }
  return layerNorm(h, p.lnfg, p.lnfb);
}

/** Embed token ids and encode: [B, T] → [B, T, d]. */
export function encodeTokens(p: TransformerParams, ids: Value, keyMask?: Value, segments?: Value): Value {
  return transformerEncode(p, embedTokens(p, ids, segments), keyMask);
}

/** Embed frames and encode: [B, T, F] → [B, T, d]. */
export function encodeFrames(p: TransformerParams, frames: Value, keyMask?: Value): Value {
  return transformerEncode(p, embedFrames(p, frames), keyMask);
}

/** Mean over the unmasked positions: a sequence embedding [B, d] from [B, T, d] and a 0/1 mask [B, T]. */
export function maskedMeanPool(h: Value, keyMask: Value): Value {
  const m = reshape(keyMask, [h.shape[0]!, h.shape[1]!, 1]);
  return div(sum(mul(h, m), 1), sum(m, 1));
}
