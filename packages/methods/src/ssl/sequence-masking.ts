// Host draws of the sequence self-supervised methods (ssl-semi.md §0): BERT's 15 % / 80-10-10 token
// corruption (§2.6), wav2vec 2.0's span masking with the per-batch trim (§2.5.1) and its distractor
// indices (§2.5.3). Every draw comes from the Philox stream passed in, in a documented order.
import { Tensor, type Philox } from '@repkit/core';

/** Special tokens of the sequence vocabulary; items follow them (item i is token FIRST_ITEM + i). */
export const PAD = 0, CLS = 1, SEP = 2, MASK = 3, FIRST_ITEM = 4;

export interface MlmCorruptionOptions {
  /** Probability that a non-special position is selected (default 0.15). */
  maskProb?: number;
  /** Of the selected: share replaced by [MASK] (default 0.8) and by a random item (default 0.1); the rest kept. */
  maskShare?: number;
  randomShare?: number;
  /** Item vocabulary size: random replacements are drawn from the items only. */
  items: number;
}

export interface MlmBatch {
  /** Corrupted token ids [B, L]. */
  ids: Tensor;
  /** True token ids at selected positions, 0 elsewhere [B, L] (int32). */
  labels: Tensor;
  /** 1 at selected positions, else 0 [B, L] (float32). */
  weight: Tensor;
}

export function checkProbability(name: string, p: number): void {
  if (!(p > 0 && p < 1)) throw new Error(`${name} must be a probability in (0, 1), got ${p}; e.g. 0.15`);
}

/**
 * BERT corruption with Bernoulli selection (the HuggingFace collator form of §2.6): per non-special position,
 * in row-major order, one uniform s (selected when s < maskProb); for a selected one, one uniform r
 * (r < 0.8 → [MASK], r < 0.9 → a random item: one more integer draw, else unchanged).
 */
export function corruptTokens(tokens: Tensor, rng: Philox, { maskProb = 0.15, maskShare = 0.8, randomShare = 0.1, items }: MlmCorruptionOptions): MlmBatch {
  checkProbability('maskProb', maskProb);
  if (!(maskShare >= 0 && randomShare >= 0 && maskShare + randomShare <= 1)) {
    throw new Error(`maskShare (${maskShare}) and randomShare (${randomShare}) must be ≥ 0 and sum to ≤ 1; BERT uses 0.8 and 0.1`);
  }
  if (tokens.dtype !== 'int32' || tokens.rank !== 2) throw new Error(`tokens must be int32 [batch, length], got ${tokens.dtype}[${tokens.shape.join(', ')}]`);
  const ids = Int32Array.from(tokens.data), labels = new Int32Array(tokens.size), weight = new Float32Array(tokens.size);
  for (let i = 0; i < tokens.size; i++) {
    const tok = tokens.data[i]!;
    if (tok < FIRST_ITEM) continue; // specials are never selected
    if (rng.uniform() >= maskProb) continue;
    labels[i] = tok;
    weight[i] = 1;
    const r = rng.uniform();
    if (r < maskShare) ids[i] = MASK;
    else if (r < maskShare + randomShare) ids[i] = FIRST_ITEM + rng.integer(0, items);
  }
  return { ids: new Tensor('int32', tokens.shape, ids), labels: new Tensor('int32', tokens.shape, labels), weight: new Tensor('float32', tokens.shape, weight) };
}

/** Items [n, T] (0-based) → tokens [n, T + 2] laid out as `[CLS] x₁ … x_T [SEP]`. */
export function withSpecials(items: Tensor): Tensor {
  const [n, T] = items.shape as [number, number];
  const out = new Int32Array(n * (T + 2));
  for (let s = 0; s < n; s++) {
    out[s * (T + 2)] = CLS;
    for (let t = 0; t < T; t++) out[s * (T + 2) + 1 + t] = FIRST_ITEM + items.data[s * T + t]!;
    out[s * (T + 2) + T + 1] = SEP;
  }
  return new Tensor('int32', [n, T + 2], out);
}

export interface SpanMaskOptions {
  /** Expected masked fraction before overlaps: span starts = ⌊maskProb·T/M + u⌋ (default 0.65). */
  maskProb?: number;
  /** Span length M (default 10). */
  spanLength?: number;
  /** Fewest span starts per row (default 2). */
  minSpans?: number;
}

export interface SpanMask {
  /** 1 at masked steps, else 0 [B, T] (float32): after the trim, every row has T_m masked steps. */
  mask: Tensor;
  /** Indices of the masked steps, ascending [B, T_m] (int32). */
  index: Tensor;
  /** T_m. */
  masked: number;
}

/**
 * wav2vec 2.0 span masking (§2.5.1), per row in order: one uniform u, then the S = max(minSpans, ⌊maskProb·T/M + u⌋)
 * starts without replacement from {0, …, T − M} (Philox.choice), spans unioned; then, per row, the steps
 * kept when trimming to the batch's smallest masked count (Philox.choice over the row's masked steps).
 */
export function spanMask(B: number, T: number, rng: Philox, { maskProb = 0.65, spanLength: M = 10, minSpans = 2 }: SpanMaskOptions = {}): SpanMask {
  checkProbability('maskProb', maskProb);
  if (!Number.isInteger(M) || M < 1) throw new Error(`spanLength must be a positive integer, got ${M}`);
  if (T < M) throw new Error(`sequence length ${T} is shorter than the span length ${M}; use sequences of at least ${M} steps or a shorter spanLength`);
  const candidates = T - M + 1;
  const rows: number[][] = [];
  for (let b = 0; b < B; b++) {
    const S = Math.min(candidates, Math.max(minSpans, Math.floor((maskProb * T) / M + rng.uniform())));
    const on = new Uint8Array(T);
    for (const s of rng.choice(candidates, S)) on.fill(1, s, s + M);
    rows.push([...on.keys()].filter((t) => on[t]));
  }
  const Tm = Math.min(...rows.map((r) => r.length));
  const mask = new Float32Array(B * T), index = new Int32Array(B * Tm);
  rows.forEach((r, b) => {
    const keep = r.length === Tm ? r : [...rng.choice(r.length, Tm)].sort((p, q) => p - q).map((k) => r[k]!);
    keep.forEach((t, i) => {
      mask[b * T + t] = 1;
      index[b * Tm + i] = t;
    });
  });
  return { mask: new Tensor('float32', [B, T], mask), index: new Tensor('int32', [B, Tm], index), masked: Tm };
}

/**
 * K distractors per masked step, indices among the row's T_m masked steps (§2.5.3): per (b, i, k) in
 * row-major order, j ~ U{0, …, T_m − 2}, used as j + 1 when j ≥ i, so never the step itself. [B, T_m, K].
 */
export function sampleDistractors(B: number, Tm: number, K: number, rng: Philox): Tensor {
  if (!Number.isInteger(K) || K < 1) throw new Error(`K (distractors) must be an integer ≥ 1, got ${K}`);
  if (Tm < 2) throw new Error(`distractors need at least 2 masked steps per row, got ${Tm}; raise maskProb or use longer sequences`);
  const out = new Int32Array(B * Tm * K);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < Tm; i++) {
      for (let k = 0; k < K; k++) {
        const j = rng.integer(0, Tm - 1);
        out[(b * Tm + i) * K + k] = j >= i ? j + 1 : j;
      }
    }
  }
  return new Tensor('int32', [B, Tm, K], out);
}
