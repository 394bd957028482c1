// BERT-style masked-token pre-training on item sequences (Devlin et al. 2019; ssl-semi.md §2.6): a small
// transformer encoder trained with L_MLM (+ L_NSP when `nsp`), scikit-learn style: options in the
// constructor, learned state in fields ending in `_`.
import {
  GraphBuilder, Philox, Tensor, Trainer, adam, argmax, getBackend, trainStep, add, type Executable, type Graph,
} from '@repkit/core';
import { takeRows } from '@repkit/data';
import { checkInt } from '../validate.ts';
import { encodeTokens, maskedMeanPool, transformerInit, transformerParams, type TransformerConfig } from '../encoders/transformer.ts';
import { headsInit, maskedTokenLoss, mlmHeadParams, mlmLogits, nspHeadParams, nspLogits, nspLoss, predictedTokens } from './mlm.ts';
import { CLS, FIRST_ITEM, MASK, SEP, checkProbability, corruptTokens, withSpecials } from './sequence-masking.ts';
import { runSteps, sequenceLoop, type SequenceFitOptions } from '../training-loop.ts';

export interface MaskedLanguageModelOptions {
  /** Encoder width (default 64), heads (default 4), blocks (default 2), feed-forward width (default 2·dim). */
  dim?: number;
  heads?: number;
  layers?: number;
  ffDim?: number;
  /** Selection probability of a non-special position (default 0.15). */
  maskProb?: number;
  /** Add next-sentence prediction on `[CLS] A [SEP] B [SEP]` pairs (default false: `[CLS] x [SEP]`). */
  nsp?: boolean;
  /** Adam learning rate (default 2e-3), linear warm-up over the first 5 % of steps, linear decay to 10 %. */
  lr?: number;
  /** Sequences per step, drawn with replacement (default 64). */
  batchSize?: number;
  /** Optimizer steps (default 2000). */
  steps?: number;
  /** Seed of initial weights, batches and masking (default 0). */
  seed?: number;
  /** A registered backend name (default 'reference'). */
  backend?: string;
}

/** The corrupted evaluation set and the model's accuracy on its selected positions. */
export interface MaskedEvaluation {
  accuracy: number;
  positions: number;
  /** What the model saw at the item positions [n, T]: an item id, or −1 for [MASK] (MLM layout only). */
  observed: Tensor;
  /** 1 where a position was selected [n, T]. */
  selected: Tensor;
}

/** Next-sentence prediction on held-out corrupted pairs, and masked-token accuracy in the pair layout. */
export interface NspEvaluation {
  /** Share of pairs whose IsNext / NotNext label the NSP head predicts; chance is 0.5 (labels are 50/50). */
  accuracy: number;
  pairs: number;
  /** Share of NotNext pairs among them. */
  notNextShare: number;
  /** Truth per pair [n] (0 IsNext, 1 NotNext) and what the model saw at the item positions [n, T] (A then B; −1 for [MASK]). */
  isNotNext: Tensor;
  observed: Tensor;
  /** Items per A segment: B starts at this index of `observed`. */
  split: number;
  /** Masked-token accuracy over the selected positions of the same pairs. */
  maskedAccuracy: number;
  positions: number;
}

export class MaskedLanguageModel {
  readonly dim: number;
  readonly heads: number;
  readonly layers: number;
  readonly ffDim: number;
  readonly maskProb: number;
  readonly nsp: boolean;
  readonly lr: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly seed: number;
  readonly backend: string;
  params_: Record<string, Tensor> | undefined;
  lossCurve_: number[] = [];
  items_ = 0;
  length_ = 0;
  private evalExe: Executable | undefined;

  constructor(opts: MaskedLanguageModelOptions = {}) {
    this.dim = opts.dim ?? 64;
    this.heads = opts.heads ?? 4;
    this.layers = opts.layers ?? 2;
    this.ffDim = opts.ffDim ?? 2 * this.dim;
    this.maskProb = opts.maskProb ?? 0.15;
    this.nsp = opts.nsp ?? false;
    this.lr = opts.lr ?? 2e-3;
    this.batchSize = opts.batchSize ?? 64;
    this.steps = opts.steps ?? 2000;
    this.seed = opts.seed ?? 0;
    this.backend = opts.backend ?? 'reference';
    checkProbability('maskProb', this.maskProb);
    for (const k of ['dim', 'heads', 'layers', 'ffDim', 'batchSize'] as const) checkInt(k, this[k], 1);
    checkInt('steps', this.steps, 0);
    if (!(this.lr > 0)) throw new Error(`lr must be positive, got ${this.lr}`);
  }

  /** Token layout length: `[CLS] x [SEP]` or `[CLS] A [SEP] B [SEP]`. */
  private get seqLen(): number {
    return this.length_ + (this.nsp ? 3 : 2);
  }

  encoderConfig(): TransformerConfig {
    return { vocab: FIRST_ITEM + this.items_, dim: this.dim, heads: this.heads, layers: this.layers, ffDim: this.ffDim, maxLen: this.seqLen, segments: this.nsp ? 2 : 0 };
  }

  /** The training loss graph for a batch of `B` sequences: L_MLM (+ L_NSP). */
  lossGraph(B = this.batchSize): Graph {
    const b = new GraphBuilder('mlm');
    const L = this.seqLen;
    const ids = b.data('ids', 'int32', [B, L]);
    const labels = b.data('labels', 'int32', [B, L]);
    const weight = b.data('weight', 'float32', [B, L]);
    const segments = this.nsp ? b.data('segments', 'int32', [B, L]) : undefined;
    const enc = transformerParams(b, this.encoderConfig());
    const h = encodeTokens(enc, ids, undefined, segments);
    const mlm = maskedTokenLoss(mlmLogits(h, enc, mlmHeadParams(b, this.dim, FIRST_ITEM + this.items_)), labels, weight);
    if (!this.nsp) return b.build({ loss: mlm, mlm });
    const nsp = nspLoss(nspLogits(h, nspHeadParams(b, this.dim)), b.data('isNotNext', 'int32', [B]));
    return b.build({ loss: add(mlm, nsp), mlm, nsp });
  }

  /** Inference: hidden states [batch, L, d], pooled embeddings [batch, d] and predicted tokens [batch, L]. */
  encoderGraph(): Graph {
    const b = new GraphBuilder('mlm_encoder');
    const L = this.seqLen;
    const ids = b.data('ids', 'int32', ['batch', L]);
    const mask = b.data('mask', 'float32', ['batch', L]);
    const segments = this.nsp ? b.data('segments', 'int32', ['batch', L]) : undefined;
    const enc = transformerParams(b, this.encoderConfig());
    const h = encodeTokens(enc, ids, mask, segments);
    const pred = predictedTokens(mlmLogits(h, enc, mlmHeadParams(b, this.dim, FIRST_ITEM + this.items_)));
    if (!this.nsp) return b.build({ hidden: h, embedding: maskedMeanPool(h, mask), pred });
    // 1 where the NSP head predicts NotNext.
    const nsp = argmax(nspLogits(h, nspHeadParams(b, this.dim)), -1);
    return b.build({ hidden: h, embedding: maskedMeanPool(h, mask), pred, nsp });
  }

  private checkSequences(X: Tensor, items?: number): number {
    if (X.dtype !== 'int32' || X.rank !== 2) throw new Error(`sequences must be int32 [n, length] item ids, got ${X.dtype}[${X.shape.join(', ')}]`);
    if (X.shape[0] === 0) throw new Error('sequences is empty (0 rows)');
    if (this.nsp && X.shape[1]! < 2) throw new Error(`nsp needs sequences of at least 2 items to split into A and B, got length ${X.shape[1]}`);
    let max = -1;
    for (const v of X.data) {
      if (v < 0 || (items !== undefined && v >= items)) throw new Error(`sequences holds item ${v}, outside [0, ${items ?? '∞'}); items are 0-based ids`);
      max = Math.max(max, v);
    }
    return max + 1;
  }

  /** `[CLS] A [SEP] B [SEP]` pairs: A = first half of row i, B its own second half (IsNext, 0) or another row's (NotNext, 1), 50/50. */
  private nspPairs(X: Tensor, rows: Int32Array, rng: Philox): { tokens: Tensor; segments: Tensor; isNotNext: Tensor } {
    const T = this.length_, half = Math.floor(T / 2), L = this.seqLen, n = X.shape[0]!;
    const tokens = new Int32Array(rows.length * L), segments = new Int32Array(rows.length * L), label = new Int32Array(rows.length);
    rows.forEach((r, i) => {
      const notNext = rng.uniform() >= 0.5;
      const other = notNext ? (r + 1 + rng.integer(0, Math.max(n - 1, 1))) % n : r;
      label[i] = notNext ? 1 : 0;
      const row = tokens.subarray(i * L, (i + 1) * L), seg = segments.subarray(i * L, (i + 1) * L);
      row[0] = CLS;
      for (let t = 0; t < half; t++) row[1 + t] = FIRST_ITEM + X.data[r * T + t]!;
      row[1 + half] = SEP;
      for (let t = half; t < T; t++) {
        row[2 + t] = FIRST_ITEM + X.data[other * T + t]!;
        seg[2 + t] = 1;
      }
      row[L - 1] = SEP;
      seg[L - 1] = 1;
    });
    return { tokens: new Tensor('int32', [rows.length, L], tokens), segments: new Tensor('int32', [rows.length, L], segments), isNotNext: new Tensor('int32', [rows.length], label) };
  }

  private fingerprint(X: Tensor): string {
    const { dim, heads, layers, ffDim, maskProb, nsp, lr, batchSize, steps, seed } = this;
    return JSON.stringify({ method: 'mlm', dim, heads, layers, ffDim, maskProb, nsp, lr, batchSize, steps, seed, items: this.items_, shape: X.shape });
  }

  /** Learning rate at 1-based step t: linear warm-up over 5 % of the steps, then linear decay to 10 %. */
  lrAt(t: number): number {
    const warm = Math.max(1, Math.round(0.05 * this.steps));
    if (t <= warm) return (this.lr * t) / warm;
    return this.lr * (1 - (0.9 * (t - warm)) / Math.max(1, this.steps - warm));
  }

  /** Train on item sequences [n, T] (0-based item ids); `items` defaults to max id + 1. */
  async fit(X: Tensor, opts: SequenceFitOptions & { items?: number } = {}): Promise<this> {
    this.items_ = opts.items ?? this.checkSequences(X);
    this.checkSequences(X, this.items_);
    this.length_ = X.shape[1]!;
    if (this.nsp && X.shape[0]! < 2) throw new Error(`nsp needs at least 2 sequences (a NotNext pair takes B from another sequence), got ${X.shape[0]}`);
    const backend = await getBackend(this.backend);
    const rng = new Philox(this.seed);
    const streams = { batches: rng.fork(2), masking: rng.fork(3), pairs: rng.fork(4) };
    const init = { ...transformerInit(rng.fork(1), this.encoderConfig()), ...headsInit(rng.fork(5), this.dim, FIRST_ITEM + this.items_, this.nsp) };
    const step = trainStep(this.lossGraph(), { optimizer: adam({ lr: (t) => this.lrAt(t) }), fuse: true });
    const trainer = await Trainer.create(step, backend, init);
    const tokensAll = this.nsp ? undefined : withSpecials(X);
    try {
      this.lossCurve_ = await runSteps({
        trainer, steps: this.steps, streams, fingerprint: this.fingerprint(X), kind: 'ssl-mlm',
        batch: (): Record<string, Tensor> => {
          const rows = streams.batches.integers(this.batchSize, 0, X.shape[0]!);
          if (!this.nsp) {
            const c = corruptTokens(takeRows(tokensAll!, rows), streams.masking, { maskProb: this.maskProb, items: this.items_ });
            return { ids: c.ids, labels: c.labels, weight: c.weight };
          }
          const pairs = this.nspPairs(X, rows, streams.pairs);
          const c = corruptTokens(pairs.tokens, streams.masking, { maskProb: this.maskProb, items: this.items_ });
          return { ids: c.ids, labels: c.labels, weight: c.weight, segments: pairs.segments, isNotNext: pairs.isNotNext };
        },
        ...sequenceLoop(opts),
      });
    } finally {
      trainer.dispose();
    }
    this.params_ = { ...trainer.params };
    this.evalExe?.dispose();
    this.evalExe = undefined;
    return this;
  }

  private async run(ids: Tensor, segments?: Tensor): Promise<Record<string, Tensor>> {
    if (!this.params_) throw new Error('MaskedLanguageModel: call fit first');
    this.evalExe ??= await (await getBackend(this.backend)).compile(this.encoderGraph());
    const mask = new Tensor('float32', ids.shape, new Float32Array(ids.size).fill(1));
    return this.evalExe.run({ ids, mask, ...(segments ? { segments } : {}), ...this.params_ });
  }

  /** Sequence embeddings [n, d]: the encoder's hidden states mean-pooled over `[CLS] x [SEP]`. */
  async transform(X: Tensor): Promise<Tensor> {
    if (this.nsp) throw new Error('transform embeds `[CLS] x [SEP]`, but this model was trained on sentence pairs (nsp: true); train with nsp: false to embed single sequences');
    this.checkSequences(X, this.items_);
    if (X.shape[1] !== this.length_) throw new Error(`sequences have length ${X.shape[1]}, the model was trained on ${this.length_}`);
    return (await this.run(withSpecials(X))).embedding!;
  }

  /**
   * Corrupt `X` once with §2.6's draws from `seed` and score the model's predicted token at the selected
   * positions (MLM layout). Returns what the model saw, so the Bayes rate can be computed on the same draws.
   */
  async evaluateMasked(X: Tensor, seed = 12345): Promise<MaskedEvaluation> {
    if (this.nsp) throw new Error('evaluateMasked scores the `[CLS] x [SEP]` layout; train with nsp: false to evaluate it');
    this.checkSequences(X, this.items_);
    const [n, T] = X.shape as [number, number];
    const c = corruptTokens(withSpecials(X), new Philox(seed, 7), { maskProb: this.maskProb, items: this.items_ });
    const pred = (await this.run(c.ids)).pred!;
    const observed = new Int32Array(n * T), selected = new Int32Array(n * T);
    let hit = 0, positions = 0;
    for (let s = 0; s < n; s++) {
      for (let t = 0; t < T; t++) {
        const k = s * (T + 2) + 1 + t;
        const id = c.ids.data[k]!;
        observed[s * T + t] = id === MASK ? -1 : id - FIRST_ITEM;
        if (!c.weight.data[k]) continue;
        selected[s * T + t] = 1;
        positions++;
        hit += pred.data[k] === c.labels.data[k] ? 1 : 0;
      }
    }
    return { accuracy: hit / positions, positions, observed: new Tensor('int32', [n, T], observed), selected: new Tensor('int32', [n, T], selected) };
  }

  /**
   * Next-sentence prediction on held-out pairs: row i's first half as A, B its own second half or another
   * row's (50/50, drawn from `seed`), corrupted once with §2.6's draws from `seed` as in training (the same
   * seed policy as evaluateMasked). Returns what the model saw, so the Bayes rate can be computed on the same pairs.
   */
  async evaluateNsp(X: Tensor, seed = 12345): Promise<NspEvaluation> {
    if (!this.nsp) throw new Error('evaluateNsp scores next-sentence prediction; this model was trained without it (nsp: false)');
    this.checkSequences(X, this.items_);
    const [n, T] = X.shape as [number, number];
    if (T !== this.length_) throw new Error(`sequences have length ${T}, the model was trained on ${this.length_}`);
    if (n < 2) throw new Error(`evaluateNsp needs at least 2 sequences (a NotNext pair takes B from another sequence), got ${n}`);
    const pairs = this.nspPairs(X, Int32Array.from({ length: n }, (_, i) => i), new Philox(seed, 8));
    const c = corruptTokens(pairs.tokens, new Philox(seed, 7), { maskProb: this.maskProb, items: this.items_ });
    const out = await this.run(c.ids, pairs.segments);
    const L = this.seqLen, half = Math.floor(T / 2);
    const observed = new Int32Array(n * T);
    let hit = 0, notNext = 0, mHit = 0, positions = 0;
    for (let s = 0; s < n; s++) {
      hit += out.nsp!.data[s] === pairs.isNotNext.data[s] ? 1 : 0;
      notNext += pairs.isNotNext.data[s]!;
      for (let t = 0; t < T; t++) {
        const k = s * L + (t < half ? 1 + t : 2 + t); // skip [CLS], and the [SEP] after A
        const id = c.ids.data[k]!;
        observed[s * T + t] = id === MASK ? -1 : id - FIRST_ITEM;
        if (!c.weight.data[k]) continue;
        positions++;
        mHit += out.pred!.data[k] === c.labels.data[k] ? 1 : 0;
      }
    }
    return {
      accuracy: hit / n, pairs: n, notNextShare: notNext / n, isNotNext: pairs.isNotNext, observed: new Tensor('int32', [n, T], observed), split: half,
      maskedAccuracy: positions ? mHit / positions : Number.NaN, positions,
    };
  }

  /** Write the encoder (ids, mask → hidden, embedding, pred) as ONNX with the weights baked in, atomically. */
  async exportOnnx(path: string): Promise<void> {
    if (!this.params_) throw new Error('MaskedLanguageModel: call fit before exportOnnx');
    const { exportOnnx, writeOnnx } = await import('@repkit/onnx');
    await writeOnnx(path, exportOnnx(this.encoderGraph(), { initializers: this.params_, metadata: { method: 'bert-mlm', items: String(this.items_), length: String(this.length_) } }));
  }
}
