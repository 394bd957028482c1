// What the image self-supervised recipes share (ssl-semi.md §2, §6.3): an encoder plus a pretext head,
// host-side batches and augmentations from one Philox per run, a step loop with progress and atomic
// checkpoints, embeddings of any encoder layer (`transform`) and ONNX export of the trained encoder (alone, or
// with a fitted linear probe as a classifier).
import {
  GraphBuilder, Philox, Tensor, Trainer, adam, argmax, getBackend, linear, mlp, mlpInit, mlpParams, softmax, trainStep,
  type Executable, type Feeds, type Graph, type TrainStep, type Value,
} from '@repkit/core';
import { exportOnnx, writeOnnx } from '@repkit/onnx';
import { runSteps } from '../training-loop.ts';
import { CnnEncoder } from '../encoders/cnn-encoder.ts';
import { checkImageRows, type Encoder } from '../encoders/encoder.ts';
import { MlpEncoder } from '../encoders/mlp-encoder.ts';
import { checkInt, checkMatrix } from '../validate.ts';
import { foldProbe, type ProbeResult } from '../linear/probe.ts';

export interface SelfSupervisedOptions {
  /** 'mlp' (default: 64 → 256 → 256, ssl-semi.md §6.3), 'cnn', or an Encoder. */
  encoder?: 'mlp' | 'cnn' | Encoder;
  /** Optimizer steps (default 2000). */
  steps?: number;
  /** Images per step, drawn with replacement (default: the recipe's). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Coupled L2 weight decay (default: the recipe's). */
  weightDecay?: number;
  /** Seed of the run's one host generator: initial weights, batches, augmentations (default 0). */
  seed?: number;
  /** A registered backend name (default 'reference'). */
  backend?: string;
  /** Folder for checkpoints; a run finding one there resumes from it (default: none). */
  checkpoint?: string;
  /** Steps between checkpoints (default 500). */
  checkpointEvery?: number;
}

export interface SelfSupervisedFitOptions {
  /** Called after every step with the 1-based step, the total and the step's loss. */
  onProgress?: (step: number, steps: number, loss: number) => void;
  /** Called when the run resumes from a checkpoint, with the steps it restored and the total. */
  onResume?: (step: number, steps: number) => void;
}

/** Rows of images as the recipes see them: flattened, float32. */
export interface ImageRows {
  X: Float32Array;
  n: number;
  h: number;
  w: number;
}

/** Host generator streams of a run (fork ids): initial weights, batches, augmentations, queue. */
export const STREAMS = { init: 1, batches: 2, augment: 3, queue: 4 } as const;

export function encoderOf(e: SelfSupervisedOptions['encoder']): Encoder {
  if (e === undefined || e === 'mlp') return new MlpEncoder();
  if (e === 'cnn') return new CnnEncoder();
  if (typeof e === 'object' && typeof e.apply === 'function') return e;
  throw new Error(`encoder must be 'mlp', 'cnn' or an Encoder, got '${String(e)}'`);
}

export abstract class SelfSupervised {
  readonly encoder: Encoder;
  readonly steps: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly seed: number;
  readonly backend: string;
  readonly checkpoint: string | undefined;
  readonly checkpointEvery: number;
  /** Learned parameters: the encoder's (`enc.*`) and the pretext head's (`head.*`). */
  params_: Record<string, Tensor> | undefined;
  /** Batch loss of every step of the last `fit`. */
  lossCurve_: number[] = [];
  private featureExe: Executable | undefined;

  constructor(readonly method: string, opts: SelfSupervisedOptions, defaults: { batchSize: number; weightDecay: number }) {
    this.encoder = encoderOf(opts.encoder);
    this.steps = opts.steps ?? 2000;
    this.batchSize = opts.batchSize ?? defaults.batchSize;
    this.lr = opts.lr ?? 1e-3;
    this.weightDecay = opts.weightDecay ?? defaults.weightDecay;
    this.seed = opts.seed ?? 0;
    this.backend = opts.backend ?? 'reference';
    this.checkpoint = opts.checkpoint;
    this.checkpointEvery = opts.checkpointEvery ?? 500;
    checkInt('steps', this.steps, 0);
    checkInt('batchSize', this.batchSize, 2);
    checkInt('checkpointEvery', this.checkpointEvery, 1);
    checkInt('seed', this.seed, 0);
    if (!(this.lr > 0)) throw new Error(`lr must be a positive number, got ${this.lr}`);
    if (!(this.weightDecay >= 0)) throw new Error(`weightDecay must be ≥ 0, got ${this.weightDecay}`);
  }

  /** 1-based encoder layer whose features the probe reads by default. */
  abstract readonly defaultLayer: number;
  /** Pretext head sizes, from the representation width on. */
  abstract headSizes(): number[];
  /** The recipe's own hyper-parameters (fingerprint, reports). */
  abstract settings(): Record<string, unknown>;
  /** The train step of the recipe's loss graph (Adam, fused; ReSSL also carries teacher and queue). */
  abstract stepGraph(): TrainStep;
  /** Initial values of carried inputs (teacher, queue), from the initial parameters. */
  protected carriedInit(_init: Record<string, Tensor>, _rng: Philox): Record<string, Tensor> {
    return {};
  }
  /** The feeds of one step: a batch of augmented images drawn from `batches` and `augment`. */
  protected abstract batch(data: ImageRows, batches: Philox, augment: Philox): Feeds;

  /** Declare the encoder (`{prefix}enc.*`) and head (`{prefix}head.*`) parameters; their values by name. */
  protected declare(b: GraphBuilder, prefix = ''): Record<string, Value> {
    const head = mlpParams(b, this.headSizes(), 'float32', `${prefix}head.`);
    const p = this.encoder.params(b, `${prefix}enc.`);
    head.weights.forEach((W, i) => ((p[`${prefix}head.W${i}`] = W), (p[`${prefix}head.b${i}`] = head.biases[i]!)));
    return p;
  }

  /** Encoder features and head output of images x with parameter values `p` (names under `prefix`). */
  protected forward(x: Value, p: Readonly<Record<string, Value>>, prefix = ''): { features: Value[]; head: Value } {
    const features = this.encoder.apply(x, p, `${prefix}enc.`);
    const sizes = this.headSizes();
    const idx = sizes.slice(1).map((_, i) => i);
    const head = mlp(features.at(-1)!, { sizes, weights: idx.map((i) => p[`${prefix}head.W${i}`]!), biases: idx.map((i) => p[`${prefix}head.b${i}`]!) });
    return { features, head };
  }

  /** Declare the parameters on `b` and run the network on x. */
  protected network(b: GraphBuilder, x: Value, prefix = ''): { features: Value[]; head: Value } {
    return this.forward(x, this.declare(b, prefix), prefix);
  }

  /** A train step of `loss` with the recipe's Adam (coupled weight decay, fused update). */
  protected adamStep(loss: Graph, extra: Pick<Parameters<typeof trainStep>[1], 'carry' | 'params'> = {}): TrainStep {
    return trainStep(loss, { optimizer: adam({ lr: this.lr, weightDecay: this.weightDecay }), fuse: true, ...extra });
  }

  /** Initial encoder and head parameters (PyTorch's default init). */
  initialParams(rng: Philox): Record<string, Tensor> {
    return { ...this.encoder.init(rng, 'enc.'), ...mlpInit(rng, this.headSizes(), 'float32', 'head.') };
  }

  protected fingerprint(): string {
    return JSON.stringify({
      method: this.method, encoder: this.encoder.kind, features: this.encoder.featureSizes, ...this.settings(),
      steps: this.steps, batchSize: this.batchSize, lr: this.lr, wd: this.weightDecay, seed: this.seed,
    });
  }

  /** Check that X holds finite images of the encoder's size; returns them flattened as float32. */
  protected rows(X: Tensor, arg = 'X'): ImageRows {
    const [h, w] = this.encoder.imageShape;
    if (X.rank !== 2) throw new Error(`${arg} must be 2-D [images, ${h * w}], got shape [${X.shape.join(', ')}]`);
    checkImageRows(arg, X.shape[1], this.encoder.imageShape);
    checkMatrix(arg, X);
    return { X: X.data instanceof Float32Array ? X.data : Float32Array.from(X.data), n: X.shape[0]!, h, w };
  }

  /** Pre-train on images X [n, h·w] (labels are never used); fills `params_`. */
  async fit(X: Tensor, { onProgress, onResume }: SelfSupervisedFitOptions = {}): Promise<this> {
    const data = this.rows(X);
    if (data.n < 2) throw new Error(`X must hold at least 2 images to draw batches from, got ${data.n}`);
    const backend = await getBackend(this.backend);
    const rng = new Philox(this.seed);
    const init = this.initialParams(rng.fork(STREAMS.init));
    const step = this.stepGraph();
    const trainer = await Trainer.create(step, backend, { ...init, ...this.carriedInit(init, rng.fork(STREAMS.queue)) });
    const streams = { batches: rng.fork(STREAMS.batches), augment: rng.fork(STREAMS.augment) };
    this.lossCurve_ = [];
    try {
      this.lossCurve_ = await runSteps({
        trainer, steps: this.steps, streams, fingerprint: this.fingerprint(), kind: `ssl-${this.method}`,
        batch: () => this.batch(data, streams.batches, streams.augment),
        checkpoint: this.checkpoint, checkpointEvery: this.checkpointEvery,
        onStep: (t, m) => onProgress?.(t, this.steps, m.loss!),
        onResume: (t) => onResume?.(t, this.steps),
      });
    } finally {
      trainer.dispose();
    }
    this.params_ = Object.fromEntries(Object.entries(trainer.params).filter(([k]) => k.startsWith('enc.') || k.startsWith('head.')));
    this.featureExe?.dispose();
    this.featureExe = undefined;
    return this;
  }

  /** The encoder as a graph: x [batch, h·w] → `layer1`…`layerL` and `embedding` (the default layer). */
  encoderGraph(): Graph {
    const [h, w] = this.encoder.imageShape;
    const b = new GraphBuilder(`${this.method}_encoder`);
    const x = b.data('x', 'float32', ['batch', h * w]);
    const feats = this.encoder.apply(x, this.encoder.params(b, 'enc.'), 'enc.');
    return b.build({ ...Object.fromEntries(feats.map((f, i) => [`layer${i + 1}`, f])), embedding: feats[this.defaultLayer - 1]! });
  }

  private encoderParams(): Record<string, Tensor> {
    if (!this.params_) throw new Error(`${this.method}: call fit before transform or exportOnnx`);
    return Object.fromEntries(Object.entries(this.params_).filter(([k]) => k.startsWith('enc.')));
  }

  /** Embeddings [n, features] of images X from encoder layer `layer` (1-based; default: the recipe's probe layer). */
  async transform(X: Tensor, { layer = this.defaultLayer }: { layer?: number } = {}): Promise<Tensor> {
    const params = this.encoderParams();
    const L = this.encoder.featureSizes.length;
    if (!Number.isInteger(layer) || layer < 1 || layer > L) throw new Error(`layer must be an integer in 1..${L} for this encoder, got ${layer}`);
    const data = this.rows(X);
    this.featureExe ??= await (await getBackend(this.backend)).compile(this.encoderGraph());
    const x = new Tensor('float32', [data.n, data.h * data.w], data.X);
    return (await this.featureExe.run({ x, ...params }))[`layer${layer}`]!;
  }

  /** Write the trained encoder as ONNX (weights baked in): x [batch, h·w] → layer1…, embedding. */
  async exportOnnx(path: string): Promise<void> {
    const metadata = {
      'repkit.method': this.method, 'repkit.encoder': this.encoder.kind, 'repkit.image_shape': this.encoder.imageShape.join('x'),
      'repkit.embedding_layer': String(this.defaultLayer), 'repkit.settings': JSON.stringify(this.settings()),
    };
    await writeOnnx(path, exportOnnx(this.encoderGraph(), { initializers: this.encoderParams(), metadata }));
  }

  /**
   * Write encoder layer `layer` + the fitted linear probe as one ONNX classifier (weights baked in):
   * x [batch, h·w] → logits, probabilities, label. `probe` is a result of probeEncoder on this model.
   */
  async exportClassifierOnnx(path: string, probe: ProbeResult, layer = this.defaultLayer): Promise<void> {
    const L = this.encoder.featureSizes.length;
    if (!Number.isInteger(layer) || layer < 1 || layer > L) throw new Error(`layer must be an integer in 1..${L} for this encoder, got ${layer}`);
    const { dim, classes } = probe.fitted;
    if (dim !== this.encoder.featureSizes[layer - 1]) throw new Error(`probe: fitted on ${dim} features, but encoder layer ${layer} gives ${this.encoder.featureSizes[layer - 1]}; probe the same layer`);
    const [h, w] = this.encoder.imageShape;
    const b = new GraphBuilder(`${this.method}_classifier`);
    const x = b.data('x', 'float32', ['batch', h * w]);
    const feats = this.encoder.apply(x, this.encoder.params(b, 'enc.'), 'enc.');
    const logits = linear(feats[layer - 1]!, b.param('probe.W', 'float32', [dim, classes]), b.param('probe.b', 'float32', [classes]));
    const graph = b.build({ logits, probabilities: softmax(logits, -1), label: argmax(logits, -1) });
    const folded = foldProbe(probe.fitted);
    const initializers = { ...this.encoderParams(), 'probe.W': new Tensor('float32', [dim, classes], folded.W), 'probe.b': new Tensor('float32', [classes], folded.b) };
    const metadata = {
      'repkit.method': this.method, 'repkit.encoder': this.encoder.kind, 'repkit.image_shape': this.encoder.imageShape.join('x'), 'repkit.probe_layer': String(layer),
      'repkit.probe_labels': String(probe.labels), 'repkit.probe_accuracy': String(probe.accuracy), 'repkit.settings': JSON.stringify(this.settings()),
    };
    await writeOnnx(path, exportOnnx(graph, { initializers, metadata }));
  }

  /** Use the untrained, initialised encoder (the random-init baseline of ssl-semi.md §6.3). */
  initialise(): this {
    this.params_ = this.initialParams(new Philox(this.seed).fork(STREAMS.init));
    this.featureExe?.dispose();
    this.featureExe = undefined;
    return this;
  }

  dispose(): void {
    this.featureExe?.dispose();
    this.featureExe = undefined;
  }
}

/** `count` rows drawn with replacement. */
export const drawBatch = (rng: Philox, n: number, count: number): Int32Array => rng.integers(count, 0, n);

/** Rows `idx` of flattened images. */
export function gatherRows(data: ImageRows, idx: ArrayLike<number>): Float32Array {
  const f = data.h * data.w, out = new Float32Array(idx.length * f);
  for (let i = 0; i < idx.length; i++) out.set(data.X.subarray(idx[i]! * f, (idx[i]! + 1) * f), i * f);
  return out;
}

export const imageTensor = (x: Float32Array, rows: number, features: number): Tensor => new Tensor('float32', [rows, features], x);
