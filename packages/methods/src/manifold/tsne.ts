// t-SNE (van der Maaten & Hinton 2008), scikit-learn 1.2.1 semantics (methods/ssl-semi.md §4.3):
// perplexity-calibrated P on the host; gradient descent with momentum and gains in two stages (early
// exaggeration 12 for 250 iterations, momentum 0.5 → 0.8). 'exact' runs the gradient as a step graph
// on the chosen backend; 'barnes_hut' runs on the host in TypeScript (quadtree, no backend kernel).
import { Philox, Tensor, type Graph } from '@repkit/core';
import { kernels } from '@repkit/kernels';
import { StepRunner, float64, intOption, matrix, numOption } from '../cluster/host.ts';
import { jointProbabilitiesExact, jointProbabilitiesNN } from './affinities.ts';
import { barnesHutGradient } from './barnes-hut.ts';
import { tsneGraphs } from './tsne-graphs.ts';

export interface TSNEOptions {
  /** Embedding dimension (default 2; 'barnes_hut' supports 2). */
  nComponents?: number;
  /** Effective number of neighbours; must be below the number of samples (default 30). */
  perplexity?: number;
  /** P multiplier during the first 250 iterations (default 12). */
  earlyExaggeration?: number;
  /** Step size, or 'auto' = max(n / earlyExaggeration / 4, 50) (default 'auto', scikit-learn ≥ 1.2). */
  learningRate?: number | 'auto';
  /** Total iterations, the 250 exaggerated ones included (default 1000; at least 250). */
  nIter?: number;
  /** Stop after this many iterations without a lower error, checked every 50 (default 300). */
  nIterWithoutProgress?: number;
  /** Stop when the gain-scaled gradient norm falls to this (default 1e-7). */
  minGradNorm?: number;
  /** 'pca' (default, scikit-learn ≥ 1.2): top principal components scaled so PC1 has std 1e-4; 'random': 1e-4·N(0, 1); or a Tensor [n, nComponents]. */
  init?: 'pca' | 'random' | Tensor;
  /** 'barnes_hut' (default, host) or 'exact' (step graph on the backend). */
  method?: 'barnes_hut' | 'exact';
  /** Barnes–Hut opening angle θ (default 0.5). */
  angle?: number;
  /** Seed of the host Philox stream (random init) (default 0). */
  seed?: number;
  /** A registered backend for the exact gradient (default 'reference', float64). */
  backend?: string;
}

type Gradient = (Y: Float64Array, exaggerated: boolean, withError: boolean) => Promise<{ grad: Float64Array; error: number }>;

export class TSNE {
  readonly nComponents: number;
  readonly perplexity: number;
  readonly earlyExaggeration: number;
  readonly learningRate: number | 'auto';
  readonly nIter: number;
  readonly nIterWithoutProgress: number;
  readonly minGradNorm: number;
  readonly init: 'pca' | 'random' | Tensor;
  readonly method: 'barnes_hut' | 'exact';
  readonly angle: number;
  readonly seed: number;
  readonly backend: string;
  /** The embedding [n, nComponents] (float64). */
  embedding_: Tensor | undefined;
  /** KL(P‖Q) at the last check (Barnes–Hut: over the sparse P entries only, as scikit-learn). */
  klDivergence_ = NaN;
  /** Index of the last iteration run (scikit-learn's n_iter_). */
  nIter_ = 0;
  /** The learning rate used. */
  learningRate_ = NaN;
  private readonly runner: StepRunner;

  constructor(opts: TSNEOptions = {}) {
    this.nComponents = intOption('nComponents', opts.nComponents ?? 2, 1);
    this.perplexity = numOption('perplexity', opts.perplexity ?? 30, 0);
    this.earlyExaggeration = numOption('earlyExaggeration', opts.earlyExaggeration ?? 12, 0);
    const lr = opts.learningRate ?? 'auto';
    this.learningRate = lr === 'auto' ? lr : numOption('learningRate', lr, 0);
    this.nIter = intOption('nIter', opts.nIter ?? 1000, 250);
    this.nIterWithoutProgress = intOption('nIterWithoutProgress', opts.nIterWithoutProgress ?? 300, 1);
    this.minGradNorm = numOption('minGradNorm', opts.minGradNorm ?? 1e-7, 0, Infinity, true);
    const init = opts.init ?? 'pca';
    if (init !== 'pca' && init !== 'random' && !(init instanceof Tensor)) throw new Error(`init must be 'pca', 'random' or a Tensor [samples, nComponents], got ${String(init)}`);
    this.init = init;
    this.method = opts.method ?? 'barnes_hut';
    if (this.method !== 'barnes_hut' && this.method !== 'exact') throw new Error(`method must be 'barnes_hut' or 'exact', got '${String(opts.method)}'`);
    if (this.method === 'barnes_hut' && this.nComponents !== 2) throw new Error(`method 'barnes_hut' supports nComponents = 2 here, got ${this.nComponents}; use method 'exact'`);
    this.angle = numOption('angle', opts.angle ?? 0.5, 0, 1, true);
    this.seed = intOption('seed', opts.seed ?? 0, 0);
    this.backend = opts.backend ?? 'reference';
    this.runner = new StepRunner(this.backend);
  }

  async fitTransform(X: Tensor, { onCheck }: { onCheck?: (iteration: number, error: number) => void } = {}): Promise<Tensor> {
    await this.fit(X, { onCheck });
    return this.embedding_!;
  }

  async fit(X: Tensor, { onCheck }: { onCheck?: (iteration: number, error: number) => void } = {}): Promise<this> {
    const [x, n, d] = matrix('X', X);
    if (this.perplexity >= n) throw new Error(`perplexity = ${this.perplexity} must be less than the number of samples (${n}); lower perplexity`);
    const dims = this.nComponents, ee = this.earlyExaggeration;
    const Y = this.initialEmbedding(x, n, d);
    this.learningRate_ = this.learningRate === 'auto' ? Math.max(n / ee / 4, 50) : this.learningRate;
    let gradient: Gradient;
    if (this.method === 'exact') {
      const P = jointProbabilitiesExact(x, n, d, this.perplexity);
      const feeds = { P: this.runner.tensor([n, n], P), Pex: this.runner.tensor([n, n], P.map((v) => v * ee)) };
      const graphs: { grad: Graph; gradError: Graph } = tsneGraphs(n, dims);
      gradient = async (Yc, exaggerated, withError) => {
        const out = await this.runner.run(withError ? graphs.gradError : graphs.grad, { Y: this.runner.tensor([n, dims], Yc), P: exaggerated ? feeds.Pex : feeds.P });
        return { grad: float64(out.grad!).slice(), error: withError ? out.kl!.data[0]! : NaN };
      };
    } else {
      const P = jointProbabilitiesNN(x, n, d, this.perplexity);
      const Pex = { ...P, values: P.values.map((v) => v * ee) };
      const grad = new Float64Array(n * dims);
      gradient = async (Yc, exaggerated, withError) => ({ grad, error: barnesHutGradient(Yc, exaggerated ? Pex : P, this.angle, grad, withError) });
    }
    const stage1 = await this.descend(Y, gradient, { start: 0, stop: 250, momentum: 0.5, exaggerated: true, patience: 250, onCheck });
    const stage2 = await this.descend(Y, gradient, { start: stage1.it + 1, stop: this.nIter, momentum: 0.8, exaggerated: false, patience: this.nIterWithoutProgress, onCheck });
    this.embedding_ = new Tensor('float64', [n, dims], Y);
    this.klDivergence_ = stage2.error;
    this.nIter_ = stage2.it;
    return this;
  }

  /** scikit-learn's `_gradient_descent`: momentum, per-coordinate gains (+0.2 / ×0.8, ≥ 0.01), checks every 50. */
  private async descend(Y: Float64Array, gradient: Gradient, o: { start: number; stop: number; momentum: number; exaggerated: boolean; patience: number; onCheck?: (i: number, e: number) => void }): Promise<{ it: number; error: number }> {
    const update = new Float64Array(Y.length), gains = new Float64Array(Y.length).fill(1);
    let error = Number.MAX_VALUE, best = Number.MAX_VALUE, bestIt = o.start, i = o.start;
    for (; i < o.stop; i++) {
      const check = (i + 1) % 50 === 0;
      const r = await gradient(Y, o.exaggerated, check || i === o.stop - 1);
      if (check || i === o.stop - 1) error = r.error;
      const g = r.grad;
      let norm = 0;
      for (let t = 0; t < Y.length; t++) {
        gains[t] = update[t]! * g[t]! < 0 ? gains[t]! + 0.2 : gains[t]! * 0.8;
        if (gains[t]! < 0.01) gains[t] = 0.01;
        const gt = g[t]! * gains[t]!;
        norm += gt * gt;
        update[t] = o.momentum * update[t]! - this.learningRate_ * gt;
        Y[t]! += update[t]!;
      }
      if (check) {
        o.onCheck?.(i + 1, error);
        if (error < best) { best = error; bestIt = i; } else if (i - bestIt > o.patience) break;
        if (Math.sqrt(norm) <= this.minGradNorm) break;
      }
    }
    return { it: Math.min(i, o.stop - 1), error };
  }

  private initialEmbedding(x: Float64Array, n: number, d: number): Float64Array {
    const dims = this.nComponents;
    if (this.init instanceof Tensor) {
      if (this.init.rank !== 2 || this.init.shape[0] !== n || this.init.shape[1] !== dims) throw new Error(`init has shape [${this.init.shape.join(', ')}], expected [samples, nComponents] = [${n}, ${dims}]`);
      return matrix('init', this.init)[0].slice();
    }
    if (this.init === 'random') return new Philox(this.seed).normals(n * dims, 0, 1e-4);
    if (dims > d) throw new Error(`init 'pca' needs nComponents (${dims}) ≤ features (${d}); use init 'random'`);
    return pcaInit(x, n, d, dims);
  }

  dispose(): void {
    this.runner.dispose();
  }
}

/** Top principal components (exact, by eigh of the covariance), signs as sklearn's svd_flip, PC1 scaled to std 1e-4. */
export function pcaInit(x: Float64Array, n: number, d: number, dims: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  const C = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const va = x[i * d + a]! - mean[a]!;
      if (va !== 0) for (let b = a; b < d; b++) C[a * d + b]! += va * (x[i * d + b]! - mean[b]!);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) C[a * d + b] = C[b * d + a]!;
  const { vectors } = kernels().eigh(C, d);
  const Y = new Float64Array(n * dims);
  for (let c = 0; c < dims; c++) {
    const k = d - 1 - c; // eigenvalues ascend
    let maxAbs = 0, sign = 1;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j]! - mean[j]!) * vectors[j * d + k]!;
      Y[i * dims + c] = s;
      if (Math.abs(s) > maxAbs) { maxAbs = Math.abs(s); sign = Math.sign(s); }
    }
    for (let i = 0; i < n; i++) Y[i * dims + c]! *= sign; // svd_flip: the largest |score| of each component is positive
  }
  let m = 0, v = 0;
  for (let i = 0; i < n; i++) m += Y[i * dims]! / n;
  for (let i = 0; i < n; i++) v += (Y[i * dims]! - m) ** 2 / n;
  const scale = 1e-4 / Math.sqrt(v);
  return Y.map((y) => y * scale);
}
