// A multi-layer perceptron classifier (ReLU, softmax cross-entropy, Adam), scikit-learn style:
// options in the constructor, learned state in fields ending in `_`.
import {
  GraphBuilder, Philox, Trainer, adam, argmax, crossEntropy, getBackend, mlp, mlpInit, mlpParams,
  trainStep, type Backend, type Executable, type Graph, type Tensor,
} from '@repkit/core';
import { takeRows } from '@repkit/data';
import { checkInt, checkLabels, checkMatrix } from '../validate.ts';

export interface MLPClassifierOptions {
  /** Hidden layer sizes (default [256, 256]). */
  hidden?: readonly number[];
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Coupled L2 weight decay (default 5e-4, as the digits protocol of ssl-semi.md §6.1). */
  weightDecay?: number;
  /** Samples per step, drawn with replacement (default 64). */
  batchSize?: number;
  /** Optimizer steps (default 3000). */
  steps?: number;
  /** Seed of the host generator: initial weights and batches (default 0). */
  seed?: number;
  /** A registered backend name (default 'reference'). */
  backend?: string;
}

export interface FitOptions {
  /** Called after every step with the 1-based step and the batch loss. */
  onProgress?: (step: number, loss: number) => void;
}

export class MLPClassifier {
  readonly hidden: readonly number[];
  readonly lr: number;
  readonly weightDecay: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly seed: number;
  readonly backend: string;
  /** Learned parameters (W0, b0, …) after `fit`. */
  params_: Record<string, Tensor> | undefined;
  /** Batch loss of every step of the last `fit`. */
  lossCurve_: number[] = [];
  nClasses_ = 0;
  nFeatures_ = 0;
  private predictExe: Executable | undefined;

  constructor(opts: MLPClassifierOptions = {}) {
    this.hidden = opts.hidden ?? [256, 256];
    this.lr = opts.lr ?? 1e-3;
    this.weightDecay = opts.weightDecay ?? 5e-4;
    this.batchSize = opts.batchSize ?? 64;
    this.steps = opts.steps ?? 3000;
    this.seed = opts.seed ?? 0;
    this.backend = opts.backend ?? 'reference';
    this.hidden.forEach((h, i) => checkInt(`hidden[${i}]`, h, 1));
    checkInt('batchSize', this.batchSize, 1);
    checkInt('steps', this.steps, 0);
  }

  private sizes(): number[] {
    return [this.nFeatures_, ...this.hidden, this.nClasses_];
  }

  /** The loss graph: mean cross-entropy of a batch (symbolic batch dim). */
  lossGraph(): Graph {
    const b = new GraphBuilder('mlp_classifier');
    const x = b.data('x', 'float32', ['batch', this.nFeatures_]);
    const y = b.data('y', 'int32', ['batch']);
    const logits = mlp(x, mlpParams(b, this.sizes()));
    return b.build({ loss: crossEntropy(logits, y) });
  }

  /** The inference graph: logits and predicted classes. */
  predictGraph(): Graph {
    const b = new GraphBuilder('mlp_predict');
    const x = b.data('x', 'float32', ['batch', this.nFeatures_]);
    const logits = mlp(x, mlpParams(b, this.sizes()));
    return b.build({ logits, label: argmax(logits, -1) });
  }

  async fit(X: Tensor, y: Tensor, { onProgress }: FitOptions = {}): Promise<this> {
    checkMatrix('X', X);
    this.nFeatures_ = X.shape[1]!;
    this.nClasses_ = checkLabels('y', y, X.shape[0]!);
    if (this.nClasses_ < 2) throw new Error('y holds a single class; a classifier needs at least two');
    const backend: Backend = await getBackend(this.backend);
    const rng = new Philox(this.seed);
    const step = trainStep(this.lossGraph(), { optimizer: adam({ lr: this.lr, weightDecay: this.weightDecay }), fuse: true });
    const trainer = await Trainer.create(step, backend, mlpInit(rng.fork(1), this.sizes()));
    const batches = rng.fork(2);
    this.lossCurve_ = [];
    try {
      for (let t = 1; t <= this.steps; t++) {
        const idx = batches.integers(this.batchSize, 0, X.shape[0]!);
        const { loss } = await trainer.run({ x: takeRows(X, idx), y: takeRows(y, idx) });
        this.lossCurve_.push(loss!);
        onProgress?.(t, loss!);
      }
    } finally {
      trainer.dispose();
    }
    this.params_ = { ...trainer.params };
    this.predictExe?.dispose();
    this.predictExe = undefined;
    return this;
  }

  /** Logits [n, classes] and predicted classes [n]. */
  async decide(X: Tensor): Promise<{ logits: Tensor; label: Tensor }> {
    if (!this.params_) throw new Error('MLPClassifier: call fit before predict');
    checkMatrix('X', X, this.nFeatures_);
    this.predictExe ??= await (await getBackend(this.backend)).compile(this.predictGraph());
    const out = await this.predictExe.run({ x: X, ...this.params_ });
    return { logits: out.logits!, label: out.label! };
  }

  async predict(X: Tensor): Promise<Tensor> {
    return (await this.decide(X)).label;
  }

  /** Accuracy on (X, y). */
  async score(X: Tensor, y: Tensor): Promise<number> {
    checkLabels('y', y, X.shape[0]!, this.nClasses_);
    const pred = await this.predict(X);
    let hit = 0;
    for (let i = 0; i < y.size; i++) hit += pred.data[i] === y.data[i] ? 1 : 0;
    return hit / y.size;
  }
}
