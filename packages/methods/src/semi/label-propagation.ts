// Graph-based semi-supervised learning, scikit-learn 1.2.1 semantics (methods/ssl-semi.md §3.7):
// label propagation (Zhu & Ghahramani 2002) and label spreading (Zhou et al. 2004). The affinity graph
// is built on the host in float64; every iteration runs as a step graph on the chosen backend.
import { Tensor, type Feeds, type Graph } from '@repkit/core';
import { kernels } from '@repkit/kernels';
import { StepRunner, float64, intOption, matrix, numOption } from '../cluster/host.ts';
import { knnAffinity, propagationOperator, rbfAffinity, spreadingOperator, type Operator } from './affinity.ts';
import { labelStepGraph } from './graphs.ts';

export interface LabelPropagationOptions {
  /** 'rbf' (default): dense exp(−γ‖x − x'‖²); 'knn': the nNeighbors nearest rows (sparse). */
  kernel?: 'rbf' | 'knn';
  /** RBF γ (default 20, scikit-learn's; for raw digits use ≈ 1/64: see the spec's pitfall). */
  gamma?: number;
  /** Neighbours of the knn kernel, the row itself included (default 7). */
  nNeighbors?: number;
  /** Iterations at most (default 1000 for propagation, 30 for spreading). */
  maxIter?: number;
  /** Stop when Σ|F − F_prev| < tol (default 1e-3). */
  tol?: number;
  /** A registered backend name (default 'reference', float64). */
  backend?: string;
}

export interface LabelSpreadingOptions extends LabelPropagationOptions {
  /** Clamping factor α ∈ (0, 1): the share of a row's new distribution taken from its neighbours (default 0.2). */
  alpha?: number;
}

abstract class GraphLabelModel {
  readonly kernel: 'rbf' | 'knn';
  readonly gamma: number;
  readonly nNeighbors: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly backend: string;
  /** The sorted class ids seen in y (−1 excluded). */
  classes_: Int32Array = new Int32Array(0);
  /** Row-normalised class distributions of the training rows [n, classes] (float64). */
  labelDistributions_: Tensor | undefined;
  /** The predicted class of every training row [n] (int32). */
  transduction_: Tensor | undefined;
  /** Iterations run. */
  nIter_ = 0;
  private X_: Float64Array = new Float64Array(0);
  protected readonly runner: StepRunner;

  constructor(opts: LabelPropagationOptions, defaultMaxIter: number) {
    const kernel = opts.kernel ?? 'rbf';
    if (kernel !== 'rbf' && kernel !== 'knn') throw new Error(`kernel must be 'rbf' or 'knn', got '${String(kernel)}'`);
    this.kernel = kernel;
    this.gamma = numOption('gamma', opts.gamma ?? 20, 0);
    this.nNeighbors = intOption('nNeighbors', opts.nNeighbors ?? 7, 1);
    this.maxIter = intOption('maxIter', opts.maxIter ?? defaultMaxIter, 1);
    this.tol = numOption('tol', opts.tol ?? 1e-3, 0, Infinity, true);
    this.backend = opts.backend ?? 'reference';
    this.runner = new StepRunner(this.backend);
  }

  protected abstract readonly variant: 'spreading' | 'propagation';
  /** The operator the step applies, from the raw affinity. */
  protected abstract operator(affinity: Operator): Operator;
  /** The constant feeds of the step besides the operator, from the one-hot labels Y and the unlabelled mask. */
  protected abstract statics(Y: Float64Array, unlabelled: Float64Array, n: number, C: number): Feeds;

  async fit(X: Tensor, y: Tensor): Promise<this> {
    const [x, n, d] = matrix('X', X);
    if (!(y instanceof Tensor) || y.dtype !== 'int32' || y.rank !== 1) throw new Error(`y must be an int32 Tensor [samples] of class ids (−1 = unlabelled), got ${y instanceof Tensor ? `${y.dtype}[${y.shape.join(', ')}]` : String(y)}`);
    if (y.shape[0] !== n) throw new Error(`y has ${y.shape[0]} labels for ${n} samples in X; pass one label (or −1) per row`);
    for (let i = 0; i < n; i++) if (y.data[i]! < -1) throw new Error(`y holds ${y.data[i]} at index ${i}; use −1 for unlabelled rows and class ids ≥ 0 otherwise`);
    const classes = Int32Array.from(new Set(Array.from(y.data as Int32Array).filter((c) => c >= 0))).sort();
    if (classes.length === 0) throw new Error('y has no labelled point (every entry is −1); label at least one sample of each class');
    if (this.kernel === 'knn' && this.nNeighbors > n) throw new Error(`nNeighbors = ${this.nNeighbors} exceeds the ${n} samples in X; lower nNeighbors`);
    const C = classes.length, Y = new Float64Array(n * C), unlabelled = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = y.data[i]!;
      if (c < 0) unlabelled[i] = 1;
      else Y[i * C + classes.indexOf(c)] = 1;
    }
    this.X_ = x;
    this.classes_ = classes;
    const op = this.operator(this.kernel === 'knn' ? knnAffinity(x, n, d, this.nNeighbors) : { kind: 'dense', n, W: rbfAffinity(x, x, d, this.gamma) });
    const graph: Graph = labelStepGraph(this.variant, op.kind, n, C);
    const feeds: Record<string, Tensor> = { ...this.statics(Y, unlabelled, n, C) };
    if (op.kind === 'dense') feeds.S = this.runner.tensor([n, n], op.W);
    else Object.assign(feeds, { src: new Tensor('int32', [op.src.length], op.src), dst: new Tensor('int32', [op.dst.length], op.dst), w: this.runner.tensor([op.w.length], op.w) });
    let F: Float64Array = Y, delta = Y.reduce((s, v) => s + v, 0), it = 0; // Σ|F − 0| before the first step
    for (; it < this.maxIter && !(delta < this.tol); it++) {
      const out = await this.runner.run(graph, { ...feeds, F: this.runner.tensor([n, C], F) });
      F = float64(out.next!);
      delta = out.delta!.data[0]!;
    }
    this.nIter_ = it;
    const dist = normaliseRows(F, C);
    this.labelDistributions_ = new Tensor('float64', [n, C], dist);
    this.transduction_ = new Tensor('int32', [n], argmaxRows(dist, C).map((j) => classes[j]!));
    return this;
  }

  /** Class probabilities of new rows [m, classes]: knn sums the distributions of the nearest training rows, rbf weighs all. */
  predictProba(X: Tensor): Tensor {
    if (!this.labelDistributions_) throw new Error(`${this.constructor.name}: call fit before predict`);
    const d = this.X_.length / this.labelDistributions_.shape[0]!;
    const [x, m] = matrix('X', X, d);
    const LD = this.labelDistributions_.data, C = this.classes_.length, n = this.X_.length / d;
    const P = new Float64Array(m * C);
    for (let r0 = 0; r0 < m; r0 += 1024) {
      const r1 = Math.min(m, r0 + 1024), block = x.subarray(r0 * d, r1 * d);
      if (this.kernel === 'knn') {
        const k = Math.min(this.nNeighbors, n);
        const top = kernels().topK(kernels().score(block, this.X_, { dim: d, metric: 'l2-squared' }), n, k);
        for (let i = r0; i < r1; i++) for (let t = 0; t < k; t++) for (let c = 0; c < C; c++) P[i * C + c]! += LD[top.indices[(i - r0) * k + t]! * C + c]!;
      } else {
        const W = rbfAffinity(block, this.X_, d, this.gamma);
        for (let i = r0; i < r1; i++) for (let j = 0; j < n; j++) for (let c = 0; c < C; c++) P[i * C + c]! += W[(i - r0) * n + j]! * LD[j * C + c]!;
      }
    }
    return new Tensor('float64', [m, C], normaliseRows(P, C));
  }

  /** The most probable class of new rows [m] (int32). */
  predict(X: Tensor): Tensor {
    const P = this.predictProba(X);
    return new Tensor('int32', [P.shape[0]!], argmaxRows(P.data as Float64Array, this.classes_.length).map((j) => this.classes_[j]!));
  }

  /** Accuracy of predict(X) against y. */
  score(X: Tensor, y: Tensor): number {
    const p = this.predict(X);
    if (y.size !== p.size) throw new Error(`y has ${y.size} labels for ${p.size} samples in X`);
    let hit = 0;
    for (let i = 0; i < p.size; i++) hit += p.data[i] === y.data[i] ? 1 : 0;
    return hit / p.size;
  }

  dispose(): void {
    this.runner.dispose();
  }
}

function normaliseRows(F: Float64Array, C: number): Float64Array {
  const out = Float64Array.from(F);
  for (let i = 0; i < out.length; i += C) {
    let s = 0;
    for (let c = 0; c < C; c++) s += out[i + c]!;
    if (s !== 0) for (let c = 0; c < C; c++) out[i + c]! /= s;
  }
  return out;
}

/** First index of each row's maximum. */
function argmaxRows(F: Float64Array, C: number): Int32Array {
  return Int32Array.from({ length: F.length / C }, (_, i) => {
    let best = 0;
    for (let c = 1; c < C; c++) if (F[i * C + c]! > F[i * C + best]!) best = c;
    return best;
  });
}

/** Label propagation: hard clamping of the labelled rows; T = W normalised by column sums. */
export class LabelPropagation extends GraphLabelModel {
  protected readonly variant = 'propagation';

  constructor(opts: LabelPropagationOptions = {}) {
    super(opts, 1000);
  }

  protected operator(affinity: Operator): Operator {
    return propagationOperator(affinity);
  }

  protected statics(Y: Float64Array, unlabelled: Float64Array, n: number, C: number): Feeds {
    return { Y: this.runner.tensor([n, C], Y), unlabelled: this.runner.tensor([n, 1], unlabelled) };
  }
}

/** Label spreading: soft clamping, F ← αSF + (1 − α)Y with the symmetrically normalised S. */
export class LabelSpreading extends GraphLabelModel {
  protected readonly variant = 'spreading';
  readonly alpha: number;

  constructor(opts: LabelSpreadingOptions = {}) {
    super(opts, 30);
    this.alpha = opts.alpha ?? 0.2;
    if (!(this.alpha > 0 && this.alpha < 1)) throw new Error(`alpha must be in the open interval (0, 1), got ${opts.alpha}`);
  }

  protected operator(affinity: Operator): Operator {
    return spreadingOperator(affinity, this.alpha);
  }

  protected statics(Y: Float64Array, _u: Float64Array, n: number, C: number): Feeds {
    return { Ys: this.runner.tensor([n, C], Y.map((v) => (1 - this.alpha) * v)) };
  }
}
