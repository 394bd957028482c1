// wav2vec 2.0 pre-training on frame sequences (Baevski et al. 2020; ssl-semi.md §2.5), and w2v-BERT with
// `mlmLayers` > 0 (§2.7). Host draws per step (§0): span starts and the trim, Gumbel uniforms, distractor
// indices; τ annealed on the host and fed as 1/τ. Options in the constructor, learned state in `_` fields.
import { Philox, Tensor, Trainer, adam, getBackend, scalar, trainStep, type Executable, type Graph } from '@repkit/core';
import { takeRows } from '@repkit/data';
import { checkInt } from '../validate.ts';
import { checkProbability, sampleDistractors, spanMask } from './sequence-masking.ts';
import { runSteps, sequenceLoop, type SequenceFitOptions } from '../training-loop.ts';
import { resolveWav2Vec, wav2vecEncoderGraph, wav2vecEvalGraph, wav2vecInit, wav2vecLossGraph, type Wav2VecConfig } from './wav2vec2-model.ts';

export interface Wav2Vec2Options extends Omit<Wav2VecConfig, 'inputDim' | 'length'> {
  /** Expected masked fraction before overlaps (default 0.5) and span length M (default 4). */
  maskProb?: number;
  spanLength?: number;
  /** Gumbel temperature: τ(step) = max(tauStart·decay^step, tauMin), decay reaching tauMin at 70 % of the steps (defaults 2 → 0.5). */
  tauStart?: number;
  tauMin?: number;
  /** Adam learning rate (default 2e-3, linear warm-up over 5 % of the steps, linear decay to 10 %). */
  lr?: number;
  /** Sequences per step (default 32) and Adam steps (default 5000: at 3000 one seed in three stopped short of the target, docs/ssl-sequences-results.md). */
  batchSize?: number;
  steps?: number;
  seed?: number;
  backend?: string;
}

export interface Wav2VecEvaluation {
  /** Share of masked steps whose true quantised target has the largest logit among it and K distractors. */
  contrastiveAccuracy: number;
  /** Σ_g exp(H(hard code marginal of group g)) over every step, and its maximum G·V. */
  codebookPerplexity: number;
  maxPerplexity: number;
  /** Masked steps scored, and the share of them with at least one distractor of another code. */
  positions: number;
  informative: number;
  /**
   * Accuracy on those informative steps alone (a step whose distractors all share its code has no rival and
   * counts as correct in contrastiveAccuracy).
   */
  informativeAccuracy: number;
  /**
   * With the hidden regimes given: accuracy where the masked step's regime equals that of its nearest
   * unmasked neighbours on both sides, accuracy elsewhere (a switch hides in the masked region, so the
   * target is ambiguous from context), and the share of masked steps of that second kind.
   */
  byContext?: { sameRegime: number; nearSwitch: number; nearSwitchShare: number };
}

// u is clamped to [1e-10, 1 − 2⁻²⁴] (§2.5.2 asks 1 − 1e-10, which rounds to 1 in float32 and gives −log(−log 1) = ∞).
const U_LO = 1e-10, U_HI = 1 - 2 ** -24;

export class Wav2Vec2 {
  readonly options: Required<Pick<Wav2Vec2Options, 'maskProb' | 'spanLength' | 'tauStart' | 'tauMin' | 'lr' | 'batchSize' | 'steps' | 'seed' | 'backend'>>;
  readonly model: Omit<Wav2VecConfig, 'inputDim' | 'length'>;
  params_: Record<string, Tensor> | undefined;
  lossCurve_: number[] = [];
  config_: Wav2VecConfig | undefined;
  private evalExe: Executable | undefined;

  constructor(opts: Wav2Vec2Options = {}) {
    const { maskProb = 0.5, spanLength = 4, tauStart = 2, tauMin = 0.5, lr = 2e-3, batchSize = 32, steps = 5000, seed = 0, backend = 'reference', ...model } = opts;
    this.options = { maskProb, spanLength, tauStart, tauMin, lr, batchSize, steps, seed, backend };
    // α defaults to the paper's 0.1 (resolveWav2Vec); on our 16-regime process it keeps both groups in use
    // without splitting regimes across codes (docs/ssl-sequences-results.md records 0.02 and 0.05 too).
    this.model = { ...model };
    checkProbability('maskProb', maskProb);
    checkInt('spanLength', spanLength, 1);
    if (!(tauStart > 0) || !(tauMin > 0)) throw new Error(`tau must be positive: got tauStart ${tauStart}, tauMin ${tauMin}; wav2vec 2.0 anneals 2 → 0.5`);
    if (tauMin > tauStart) throw new Error(`tauMin (${tauMin}) must be ≤ tauStart (${tauStart})`);
    if (!(lr > 0)) throw new Error(`lr must be positive, got ${lr}`);
    checkInt('batchSize', batchSize, 1);
    checkInt('steps', steps, 0);
    resolveWav2Vec({ ...model, inputDim: 1, length: 1 }); // validate K, κ, α, sizes now
  }

  /** τ at 1-based step t. */
  tauAt(t: number): number {
    const { tauStart, tauMin, steps } = this.options;
    const decay = (tauMin / tauStart) ** (1 / Math.max(1, 0.7 * steps));
    return Math.max(tauStart * decay ** t, tauMin);
  }

  lrAt(t: number): number {
    const { lr, steps } = this.options;
    const warm = Math.max(1, Math.round(0.05 * steps));
    return t <= warm ? (lr * t) / warm : lr * (1 - (0.9 * (t - warm)) / Math.max(1, steps - warm));
  }

  private checkFrames(X: Tensor): void {
    if (X.dtype !== 'float32' || X.rank !== 3) throw new Error(`frames must be float32 [n, length, dim], got ${X.dtype}[${X.shape.join(', ')}]`);
    if (X.shape[0] === 0) throw new Error('frames is empty (0 sequences)');
    if (X.shape[1]! < this.options.spanLength) throw new Error(`sequences of length ${X.shape[1]} are shorter than the span length ${this.options.spanLength}; lower spanLength or use longer sequences`);
    if (this.config_ && (X.shape[1] !== this.config_.length || X.shape[2] !== this.config_.inputDim)) {
      throw new Error(`frames are [n, ${X.shape[1]}, ${X.shape[2]}], the model was trained on [n, ${this.config_.length}, ${this.config_.inputDim}]`);
    }
    for (let i = 0; i < X.size; i++) if (!Number.isFinite(X.data[i]!)) throw new Error(`frames hold ${X.data[i]} at flat index ${i}; remove non-finite values`);
  }

  /** Span mask, masked-step slots padded to T with weight 0, and distractors among the real slots. */
  private draws(B: number, rng: Philox): Record<string, Tensor> {
    const c = resolveWav2Vec(this.config_!);
    const T = c.length;
    const m = spanMask(B, T, rng, { maskProb: this.options.maskProb, spanLength: this.options.spanLength });
    const d = sampleDistractors(B, m.masked, c.K, rng);
    const index = new Int32Array(B * T), weight = new Float32Array(B * T), distractors = new Int32Array(B * T * c.K);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < T; i++) {
        const real = i < m.masked;
        index[b * T + i] = real ? m.index.data[b * m.masked + i]! : 0;
        weight[b * T + i] = real ? 1 : 0;
        if (real) distractors.set(d.data.subarray((b * m.masked + i) * c.K, (b * m.masked + i + 1) * c.K), (b * T + i) * c.K);
      }
    }
    return { mask: m.mask, index: new Tensor('int32', [B, T], index), weight: new Tensor('float32', [B, T], weight), distractors: new Tensor('int32', [B, T, c.K], distractors) };
  }

  async fit(X: Tensor, opts: SequenceFitOptions = {}): Promise<this> {
    this.config_ = undefined;
    this.checkFrames(X);
    this.config_ = { ...this.model, inputDim: X.shape[2]!, length: X.shape[1]! };
    const c = resolveWav2Vec(this.config_);
    const { batchSize: B, seed, steps } = this.options;
    const rng = new Philox(seed);
    const streams = { batches: rng.fork(2), masking: rng.fork(3), gumbel: rng.fork(4) };
    const step = trainStep(wav2vecLossGraph(this.config_, B), { optimizer: adam({ lr: (t) => this.lrAt(t) }), fuse: true });
    const trainer = await Trainer.create(step, await getBackend(this.options.backend), wav2vecInit(rng.fork(1), this.config_));
    const uSize = B * c.length * c.groups * c.entries;
    try {
      this.lossCurve_ = await runSteps({
        trainer, steps, streams, kind: c.mlmLayers ? 'ssl-w2v-bert' : 'ssl-wav2vec2',
        fingerprint: JSON.stringify({ ...this.options, ...c, shape: X.shape }),
        batch: (t) => {
          const rows = streams.batches.integers(B, 0, X.shape[0]!);
          const u = Float32Array.from(streams.gumbel.uniforms(uSize), (v) => Math.min(Math.max(v, U_LO), U_HI));
          return {
            frames: takeRows(X, rows), ...this.draws(B, streams.masking),
            u: new Tensor('float32', [B, c.length, c.groups, c.entries], u), invTau: scalar(1 / this.tauAt(t), 'float32'),
          };
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

  /**
   * Mask `X` with §2.5.1's draws from `seed`, draw K distractors per masked step, and score the inference
   * quantiser (no noise): contrastive accuracy over masked steps and the code perplexity over every step.
   */
  async evaluate(X: Tensor, seed = 12345, regimes?: Tensor): Promise<Wav2VecEvaluation> {
    if (!this.params_ || !this.config_) throw new Error('Wav2Vec2: call fit before evaluate');
    this.checkFrames(X);
    const c = resolveWav2Vec(this.config_);
    const B = this.options.batchSize, n = X.shape[0]!;
    const graph = wav2vecEvalGraph(this.config_, B), params = this.paramsOf(graph);
    this.evalExe ??= await (await getBackend(this.options.backend)).compile(graph);
    const rng = new Philox(seed, 9);
    const counts = new Float64Array(c.groups * c.entries);
    let hit = 0, positions = 0, informative = 0, informativeHit = 0, steps = 0;
    const ctxHit = [0, 0], ctxN = [0, 0];
    if (regimes && (regimes.dtype !== 'int32' || regimes.size !== n * c.length)) throw new Error(`regimes must be int32 [n, ${c.length}] like the frames, got ${regimes.dtype}[${regimes.shape.join(', ')}]`);
    for (let start = 0; start < n; start += B) {
      const rows = Int32Array.from({ length: B }, (_, i) => Math.min(start + i, n - 1));
      const real = Math.min(B, n - start);
      const draws = this.draws(B, rng);
      const out = await this.evalExe.run({ frames: takeRows(X, rows), ...draws, ...params });
      const codes = out.codes!.data;
      for (let b = 0; b < real; b++) {
        for (let t = 0; t < c.length; t++) for (let g = 0; g < c.groups; g++) counts[g * c.entries + codes[(b * c.length + t) * c.groups + g]!]!++;
        steps += c.length;
        for (let i = 0; i < c.length; i++) {
          if (!draws.weight!.data[b * c.length + i]) continue;
          positions++;
          hit += out.correct!.data[b * c.length + i]!;
          const code = (tt: number): string => Array.from(codes.subarray((b * c.length + tt) * c.groups, (b * c.length + tt + 1) * c.groups)).join(',');
          const mine = code(draws.index!.data[b * c.length + i]!);
          const ds = draws.distractors!.data.subarray((b * c.length + i) * c.K, (b * c.length + i + 1) * c.K);
          if ([...ds].some((j) => code(draws.index!.data[b * c.length + j]!) !== mine)) {
            informative++;
            informativeHit += out.correct!.data[b * c.length + i]!;
          }
          if (regimes) {
            const t = draws.index!.data[b * c.length + i]!, row = (start + b) * c.length, masked = draws.mask!.data;
            let l = t - 1, r = t + 1;
            while (l >= 0 && masked[b * c.length + l]) l--;
            while (r < c.length && masked[b * c.length + r]) r++;
            const same = (l < 0 || regimes.data[row + l] === regimes.data[row + t]) && (r >= c.length || regimes.data[row + r] === regimes.data[row + t]);
            ctxN[same ? 0 : 1]!++;
            ctxHit[same ? 0 : 1]! += out.correct!.data[b * c.length + i]!;
          }
        }
      }
    }
    let perplexity = 0;
    for (let g = 0; g < c.groups; g++) {
      let h = 0;
      for (let v = 0; v < c.entries; v++) {
        const p = counts[g * c.entries + v]! / steps;
        if (p > 0) h -= p * Math.log(p);
      }
      perplexity += Math.exp(h);
    }
    const byContext = regimes ? { sameRegime: ctxHit[0]! / ctxN[0]!, nearSwitch: ctxHit[1]! / ctxN[1]!, nearSwitchShare: ctxN[1]! / positions } : undefined;
    return { contrastiveAccuracy: hit / positions, codebookPerplexity: perplexity, maxPerplexity: c.groups * c.entries, positions, informative: informative / positions, informativeAccuracy: informativeHit / informative, ...(byContext ? { byContext } : {}) };
  }

  /** Context representations [n, T, d] of unmasked frames (the encoder that exportOnnx writes). */
  async transform(X: Tensor): Promise<Tensor> {
    if (!this.params_ || !this.config_) throw new Error('Wav2Vec2: call fit before transform');
    this.checkFrames(X);
    const exe = await (await getBackend(this.options.backend)).compile(wav2vecEncoderGraph(this.config_));
    try {
      return (await exe.run({ frames: X, ...this.encoderParams() })).context!;
    } finally {
      exe.dispose();
    }
  }

  private encoderParams(): Record<string, Tensor> {
    return this.paramsOf(wav2vecEncoderGraph(this.config_!));
  }

  /** The trained parameters `g` takes (w2v-BERT's MLM head is trained but feeds no inference graph). */
  private paramsOf(g: Graph): Record<string, Tensor> {
    return Object.fromEntries(g.inputs.filter((i) => i.kind === 'param').map((i) => [i.name, this.params_![i.name]!]));
  }

  /** Write the encoder (frames → context) as ONNX with the weights baked in, atomically. */
  async exportOnnx(path: string): Promise<void> {
    if (!this.params_ || !this.config_) throw new Error('Wav2Vec2: call fit before exportOnnx');
    const { exportOnnx, writeOnnx } = await import('@repkit/onnx');
    await writeOnnx(path, exportOnnx(wav2vecEncoderGraph(this.config_), { initializers: this.encoderParams(), metadata: { method: 'wav2vec2' } }));
  }
}
