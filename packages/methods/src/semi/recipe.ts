// What every semi-supervised recipe shares (ssl-semi.md §3, §6.1): an MLP classifier over flattened
// images, labels with −1 for unlabelled rows, host-side batches and augmentations from one Philox per
// run, a step loop with progress and checkpoints, and prediction / ONNX export of the trained network.
import {
  GraphBuilder, Philox, Tensor, Trainer, adam, argmax, getBackend, mlp, mlpInit, mlpParams, softmax, trainStep,
  type Backend, type Executable, type Feeds, type Graph, type TrainStep, type Value,
} from '@repkit/core';
import { kernels } from '@repkit/kernels';
import { takeRows } from '@repkit/data';
import { exportOnnx, writeOnnx } from '@repkit/onnx';
import { runSteps } from '../training-loop.ts';
import { checkInt, checkMatrix } from '../validate.ts';

export interface SemiOptions {
  /** Hidden layer sizes of the MLP (default [256, 256], the spec's 64-256-256-10). */
  hidden?: readonly number[];
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Coupled L2 weight decay (default 5e-4). */
  weightDecay?: number;
  /** Optimizer steps (default 3000). */
  steps?: number;
  /** Seed of the run's one host generator: initial weights, batches, augmentations (default 0). */
  seed?: number;
  /** A registered backend name (default 'reference'). */
  backend?: string;
  /** Image height and width of a row of X (default [8, 8]: the digits). */
  imageShape?: readonly [number, number];
  /** Number of classes (default: the largest label + 1). */
  classes?: number;
  /** Folder for checkpoints; a run finding one there resumes from it (default: none). */
  checkpoint?: string;
  /** Steps between checkpoints (default 500). */
  checkpointEvery?: number;
}

export interface SemiFitOptions {
  /** Called after every step with the 1-based step, the total and the step's metrics. */
  onProgress?: (step: number, steps: number, metrics: Record<string, number>) => void;
  /** Called when a training loop resumes from a checkpoint, with the steps it restored and its total. */
  onResume?: (step: number, steps: number) => void;
}

/** The training data as the recipes see it: flattened images and index sets. */
export interface SemiData {
  /** float32 [n, h·w]. */
  X: Tensor;
  y: Int32Array;
  labelled: Int32Array;
  unlabelled: Int32Array;
  features: number;
}

export abstract class SemiSupervisedClassifier {
  readonly hidden: readonly number[];
  readonly lr: number;
  readonly weightDecay: number;
  readonly steps: number;
  readonly seed: number;
  readonly backend: string;
  readonly imageShape: readonly [number, number];
  readonly checkpoint: string | undefined;
  readonly checkpointEvery: number;
  /** Learned parameters of the network used for prediction (the teacher's for Mean Teacher). */
  params_: Record<string, Tensor> | undefined;
  /** Metrics of every step of the last `fit`. */
  history_: Record<string, number>[] = [];
  nClasses_ = 0;
  private readonly classes: number | undefined;
  private predictExe: Executable | undefined;

  constructor(readonly method: string, opts: SemiOptions) {
    this.hidden = opts.hidden ?? [256, 256];
    this.lr = opts.lr ?? 1e-3;
    this.weightDecay = opts.weightDecay ?? 5e-4;
    this.steps = opts.steps ?? 3000;
    this.seed = opts.seed ?? 0;
    this.backend = opts.backend ?? 'reference';
    this.imageShape = opts.imageShape ?? [8, 8];
    this.classes = opts.classes;
    this.checkpoint = opts.checkpoint;
    this.checkpointEvery = opts.checkpointEvery ?? 500;
    this.hidden.forEach((h, i) => checkInt(`hidden[${i}]`, h, 1));
    checkInt('steps', this.steps, 0);
    checkInt('checkpointEvery', this.checkpointEvery, 1);
    this.imageShape.forEach((d, i) => checkInt(`imageShape[${i}]`, d, 1));
    if (this.classes !== undefined) checkInt('classes', this.classes, 2);
    if (!(this.lr > 0)) throw new Error(`lr must be positive, got ${this.lr}`);
    if (!(this.weightDecay >= 0)) throw new Error(`weightDecay must be ≥ 0, got ${this.weightDecay}`);
  }

  get features(): number {
    return this.imageShape[0] * this.imageShape[1];
  }

  /** 64 → hidden… → classes. */
  sizes(): number[] {
    return [this.features, ...this.hidden, this.nClasses_];
  }

  /** Initial network weights (torch.nn.Linear's default init); subclasses may nudge them to measure noise. */
  protected initial(rng: Philox): Record<string, Tensor> {
    return mlpInit(rng, this.sizes());
  }

  /** Options that must match for a checkpoint to resume this run. */
  protected fingerprint(): string {
    return JSON.stringify({ method: this.method, ...this.settings(), hidden: this.hidden, lr: this.lr, wd: this.weightDecay, steps: this.steps, seed: this.seed, classes: this.nClasses_ });
  }

  /** The recipe's own hyper-parameters, for the fingerprint and reports. */
  abstract settings(): Record<string, unknown>;

  /** Train on prepared data; fills `params_`. */
  protected abstract train(data: SemiData, backend: Backend, rng: Philox, fit: SemiFitOptions): Promise<void>;

  /** X: [n, h·w] float images; y: int32 [n], a class in [0, classes) or −1 for an unlabelled row. */
  async fit(X: Tensor, y: Tensor, fit: SemiFitOptions = {}): Promise<this> {
    const data = this.prepare(X, y);
    this.history_ = [];
    await this.train(data, await getBackend(this.backend), new Philox(this.seed), fit);
    this.resetPrediction();
    return this;
  }

  /** Forget the compiled predictor (its parameters are fed per call; the executable itself is reusable). */
  protected resetPrediction(): void {
    this.predictExe?.dispose();
    this.predictExe = undefined;
  }

  private prepare(X: Tensor, y: Tensor): SemiData {
    checkMatrix('X', X);
    const [h, w] = this.imageShape;
    if (X.shape[1] !== h * w) {
      throw new Error(`X: the encoder takes ${h}×${w} images (${h * w} values per row), got rows of ${X.shape[1]}; pass imageShape for other sizes`);
    }
    if (y.dtype !== 'int32' || y.rank !== 1 || y.shape[0] !== X.shape[0]) {
      throw new Error(`y must be int32 [${X.shape[0]}] (a class, or −1 for unlabelled), got ${y.dtype}[${y.shape.join(', ')}]`);
    }
    const labels = y.data as Int32Array;
    let maxLabel = -1;
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i]!;
      if (!Number.isInteger(c) || c < -1 || (this.classes !== undefined && c >= this.classes)) {
        throw new Error(`y[${i}] = ${c} is out of range: labels must be −1 (unlabelled) or a class in [0, ${this.classes ?? 'classes'})`);
      }
      maxLabel = Math.max(maxLabel, c);
    }
    this.nClasses_ = this.classes ?? maxLabel + 1;
    const labelled = Int32Array.from(labels.keys()).filter((i) => labels[i]! >= 0);
    const unlabelled = Int32Array.from(labels.keys()).filter((i) => labels[i]! < 0);
    if (this.nClasses_ < 2) throw new Error('y: a classifier needs labelled rows of at least two classes');
    const seenLabels = new Set(labelled.map((i) => labels[i]!));
    if (this.classes === undefined && seenLabels.size < this.nClasses_) {
      const missing = Array.from({ length: this.nClasses_ }, (_, c) => c).filter((c) => !seenLabels.has(c));
      throw new Error(`y: the classes were taken from the largest label (${maxLabel}) as ${this.nClasses_}, but ${missing.length} of them (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}) have no labelled row; a label may be out of range, or pass classes`);
    }
    if (labelled.length < this.nClasses_) {
      throw new Error(`y: ${labelled.length} labelled rows is fewer than the ${this.nClasses_} classes; label at least one row per class`);
    }
    const seen = new Set(labelled.map((i) => labels[i]!));
    for (let c = 0; c < this.nClasses_; c++) if (!seen.has(c)) throw new Error(`y: class ${c} has no labelled row; label at least one row per class`);
    const Xf = X.dtype === 'float32' ? X : new Tensor('float32', X.shape, Float32Array.from(X.data));
    return { X: Xf, y: labels, labelled, unlabelled, features: h * w };
  }

  /** A train step of `loss` over the named parameters with the recipe's Adam (coupled weight decay). */
  protected step(loss: Graph, params?: readonly string[], carry?: Parameters<typeof trainStep>[1]['carry']): TrainStep {
    return trainStep(loss, { optimizer: adam({ lr: this.lr, weightDecay: this.weightDecay }), fuse: true, ...(params ? { params } : {}), ...(carry ? { carry } : {}) });
  }

  /**
   * Run `steps` optimizer steps of `trainer`, each fed by `feeds(t)` (t from 0), with progress and
   * checkpoints; `rngs` are the generators whose positions a checkpoint must keep.
   */
  protected async loop(trainer: Trainer, steps: number, feeds: (t: number) => Feeds, rngs: Record<string, Philox>, fit: SemiFitOptions, tag = ''): Promise<void> {
    const metrics: Record<string, number>[] = [];
    const losses = await runSteps({
      trainer, steps, streams: rngs, fingerprint: this.fingerprint(), kind: 'semi', batch: (t) => feeds(t - 1),
      checkpoint: this.checkpoint && (tag ? `${this.checkpoint}/${tag}` : this.checkpoint), checkpointEvery: this.checkpointEvery,
      onStep: (t, m) => {
        metrics.push(m);
        fit.onProgress?.(t, steps, m);
      },
      onResume: (t) => fit.onResume?.(t, steps),
    });
    // Steps restored from a checkpoint kept only their losses.
    this.history_.push(...losses.slice(0, losses.length - metrics.length).map((loss) => ({ loss })), ...metrics);
  }

  /** Inference graph: logits, probabilities and predicted classes of flattened images. */
  predictGraph(): Graph {
    const b = new GraphBuilder(`${this.method}_predict`);
    const x = b.data('x', 'float32', ['batch', this.features]);
    const logits = mlp(x, mlpParams(b, this.sizes()));
    return b.build({ logits, probabilities: softmax(logits, -1), label: argmax(logits, -1) });
  }

  async decide(X: Tensor): Promise<{ logits: Tensor; probabilities: Tensor; label: Tensor }> {
    if (!this.params_) throw new Error(`${this.method}: call fit before predict`);
    checkMatrix('X', X, this.features);
    this.predictExe ??= await (await getBackend(this.backend)).compile(this.predictGraph());
    const x = X.dtype === 'float32' ? X : new Tensor('float32', X.shape, Float32Array.from(X.data));
    const out = await this.predictExe.run({ x, ...this.params_ });
    return { logits: out.logits!, probabilities: out.probabilities!, label: out.label! };
  }

  async predict(X: Tensor): Promise<Tensor> {
    return (await this.decide(X)).label;
  }

  async predictProba(X: Tensor): Promise<Tensor> {
    return (await this.decide(X)).probabilities;
  }

  /** Accuracy on (X, y). */
  async score(X: Tensor, y: Tensor): Promise<number> {
    const pred = await this.predict(X);
    if (y.size !== pred.size) throw new Error(`y has ${y.size} labels for ${pred.size} rows of X`);
    let hit = 0;
    for (let i = 0; i < y.size; i++) hit += pred.data[i] === y.data[i] ? 1 : 0;
    return hit / y.size;
  }

  /** Write the trained classifier as ONNX (weights baked in; input x [batch, h·w]). */
  async exportOnnx(path: string): Promise<void> {
    if (!this.params_) throw new Error(`${this.method}: call fit before exportOnnx`);
    const metadata = { 'repkit.method': this.method, 'repkit.image_shape': this.imageShape.join('x'), 'repkit.classes': String(this.nClasses_), 'repkit.settings': JSON.stringify(this.settings()) };
    await writeOnnx(path, exportOnnx(this.predictGraph(), { initializers: this.params_, metadata }));
  }

  dispose(): void {
    this.predictExe?.dispose();
    this.predictExe = undefined;
  }
}

/** A loss graph over the recipe's MLP: `build` gets the network as a function of its input. */
export function mlpLossGraph(name: string, sizes: readonly number[], build: (b: GraphBuilder, net: (x: Value) => Value) => Record<string, Value>, prefix = ''): Graph {
  const b = new GraphBuilder(name);
  const p = mlpParams(b, sizes, 'float32', prefix);
  return b.build(build(b, (x) => mlp(x, p)));
}

/** `count` indices drawn with replacement from `from`. */
export function drawRows(rng: Philox, from: Int32Array, count: number): Int32Array {
  return rng.integers(count, 0, from.length).map((k) => from[k]!);
}

/** The weak augmentation α of ssl-semi.md §5 of rows `idx`: integer shifts in {−1, 0, 1}². */
export function weakView(rng: Philox, data: SemiData, idx: Int32Array, [h, w]: readonly [number, number]): Float32Array {
  return kernels().shiftImages(takeRows(data.X, idx).data as Float32Array, idx.length, h, w, rng);
}

/** The strong augmentation A of ssl-semi.md §5 of rows `idx`. */
export function strongView(rng: Philox, data: SemiData, idx: Int32Array, [h, w]: readonly [number, number]): Float32Array {
  return kernels().strongAugment(takeRows(data.X, idx).data as Float32Array, idx.length, h, w, rng);
}

export const images = (data: Float32Array, rows: number, features: number): Tensor => new Tensor('float32', [rows, features], data);

/** A float32 scalar feed. */
export const scalar32 = (v: number): Tensor => new Tensor('float32', [], Float32Array.of(v));
