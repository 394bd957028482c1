// k-means (Lloyd 1982) with greedy k-means++ seeding (Arthur & Vassilvitskii 2007), scikit-learn 1.2
// semantics (methods/ssl-semi.md §4.1): the Lloyd step runs as a graph on the chosen backend; seeding
// draws, empty-cluster relocation, convergence tests and the float64 inertia stay on the host.
import { Philox, Tensor, type Graph } from '@repkit/core';
import { StepRunner, columnMeans, float64, intOption, matrix, numOption, rows } from './host.ts';
import { kmeansGraphs } from './kmeans-graphs.ts';

export interface KMeansOptions {
  /** Number of clusters k (default 8). */
  nClusters?: number;
  /** Runs from different k-means++ seeds; the lowest inertia wins (default 10, scikit-learn 1.2). */
  nInit?: number;
  /** Lloyd iterations per run at most (default 300). */
  maxIter?: number;
  /** Stop when Σ‖Δcentre‖² ≤ tol · mean feature variance (default 1e-4, scikit-learn's relative tol). */
  tol?: number;
  /** 'k-means++' (default) or the initial centres [k, d] (then a single run). */
  init?: 'k-means++' | Tensor;
  /** Seed of the host Philox stream: first index and 2 + ⌊ln k⌋ uniforms per further centre (default 0). */
  seed?: number;
  /** A registered backend name (default 'reference', float64). */
  backend?: string;
}

interface Run { centers: Float64Array; labels: Int32Array; inertia: number; nIter: number }

export class KMeans {
  readonly nClusters: number;
  readonly nInit: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly init: 'k-means++' | Tensor;
  readonly seed: number;
  readonly backend: string;
  /** Centres [k, d] (float64) after `fit`. */
  clusterCenters_: Tensor | undefined;
  /** Cluster of every training row [n] (int32). */
  labels_: Tensor | undefined;
  /** Σ squared distance of each training row to its centre (float64 on the host). */
  inertia_ = NaN;
  /** Lloyd iterations of the winning run. */
  nIter_ = 0;
  nFeaturesIn_ = 0;
  private mean: Float64Array = new Float64Array(0);
  private graphs: { step: Graph; pp: Graph; transform: Graph } | undefined;
  private runner: StepRunner;

  constructor(opts: KMeansOptions = {}) {
    this.nClusters = intOption('nClusters', opts.nClusters ?? 8, 1);
    this.nInit = intOption('nInit', opts.nInit ?? 10, 1);
    this.maxIter = intOption('maxIter', opts.maxIter ?? 300, 1);
    this.tol = numOption('tol', opts.tol ?? 1e-4, 0, Infinity, true);
    this.seed = intOption('seed', opts.seed ?? 0, 0);
    this.backend = opts.backend ?? 'reference';
    const init = opts.init ?? 'k-means++';
    if (init !== 'k-means++' && !(init instanceof Tensor)) throw new Error(`init must be 'k-means++' or a Tensor of centres [nClusters, features], got ${String(init)}`);
    this.init = init;
    this.runner = new StepRunner(this.backend);
  }

  /**
   * Rows centred by the training mean with a ones column appended (stride d + 1), in the backend's width,
   * and their squared norms. The host reads the same values back for seeding, relocation and inertia.
   */
  private prepare(x: ArrayLike<number>, n: number, d: number): { xa: Float32Array | Float64Array; Xa: Tensor; x2: Tensor } {
    const w = d + 1, xa = this.runner.wide ? new Float64Array(n * w) : new Float32Array(n * w), x2 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = (xa[i * w + j] = x[i * d + j]! - this.mean[j]!);
        s += v * v;
      }
      xa[i * w + d] = 1;
      x2[i] = s;
    }
    return { xa, Xa: this.runner.tensor([n, w], xa), x2: this.runner.tensor([n], x2) };
  }

  async fit(X: Tensor): Promise<this> {
    const [x, n, d] = rows('X', X);
    const k = this.nClusters;
    if (k > n) throw new Error(`nClusters = ${k} exceeds the ${n} samples in X; lower nClusters or pass at least ${k} samples`);
    let init: Float64Array | undefined;
    if (this.init instanceof Tensor) {
      if (this.init.rank !== 2 || this.init.shape[0] !== k || this.init.shape[1] !== d) {
        throw new Error(`init has shape [${this.init.shape.join(', ')}], expected [nClusters, features] = [${k}, ${d}]`);
      }
      init = matrix('init', this.init)[0];
    }
    this.nFeaturesIn_ = d;
    this.mean = columnMeans(x, n, d); // sklearn centres dense data first: smaller numbers, less cancellation
    this.graphs = kmeansGraphs(d, k);
    const { xa, Xa, x2 } = this.prepare(x, n, d);
    let variance = 0;
    for (let i = 0; i < n; i++) variance += x2.data[i]!;
    const tolAbs = (this.tol * variance) / (n * d);
    const rng = new Philox(this.seed);
    let best: Run | undefined;
    for (let r = 0; r < (init ? 1 : this.nInit); r++) {
      const C0 = init ? init.map((v, i) => v - this.mean[i % d]!) : await this.seedPlusPlus(xa, Xa, x2, n, d, rng);
      const run = await this.lloyd(xa, Xa, n, d, C0, tolAbs);
      if (!best || run.inertia < best.inertia) best = run;
    }
    const centers = best!.centers.map((v, i) => v + this.mean[i % d]!);
    this.clusterCenters_ = new Tensor('float64', [k, d], centers);
    this.labels_ = new Tensor('int32', [n], best!.labels);
    this.inertia_ = best!.inertia;
    this.nIter_ = best!.nIter;
    return this;
  }

  /** Greedy k-means++: of 2 + ⌊ln k⌋ D²-weighted candidates per centre, keep the one that lowers the potential most. */
  private async seedPlusPlus(xa: ArrayLike<number>, Xa: Tensor, x2: Tensor, n: number, d: number, rng: Philox): Promise<Float64Array> {
    const k = this.nClusters, trials = 2 + Math.floor(Math.log(k)), w = d + 1;
    const C = new Float64Array(k * d);
    const copyRow = (id: number, to: Float64Array, at: number): void => { for (let j = 0; j < d; j++) to[at + j] = xa[id * w + j]!; };
    const distances = async (cand: Float64Array, t: number, best: Tensor): Promise<ArrayLike<number>> => {
      const feeds = { Xa, x2, best, cand: this.runner.tensor([t, d], cand) };
      return (await this.runner.run(this.graphs!.pp, feeds)).dist!.data as ArrayLike<number>;
    };
    copyRow(rng.integer(0, n), C, 0);
    const first = await distances(C.slice(0, d), 1, this.runner.tensor([n], new Float64Array(n).fill(Infinity)));
    let closest = this.runner.wide ? Float64Array.from(first) : Float32Array.from(first);
    let potential = 0;
    for (let i = 0; i < n; i++) potential += closest[i]!;
    const cumsum = new Float64Array(n), cand = new Float64Array(trials * d), pots = new Float64Array(trials);
    for (let c = 1; c < k; c++) {
      let acc = 0;
      for (let i = 0; i < n; i++) cumsum[i] = acc += closest[i]!;
      const ids: number[] = [];
      for (let t = 0; t < trials; t++) ids.push(Math.min(searchsorted(cumsum, rng.uniform() * potential), n - 1));
      ids.forEach((id, t) => copyRow(id, cand, t * d));
      const dist = await distances(cand, trials, this.runner.tensor([n], closest));
      pots.fill(0);
      for (let i = 0; i < n; i++) for (let t = 0; t < trials; t++) pots[t]! += dist[i * trials + t]!;
      let bestT = 0;
      for (let t = 1; t < trials; t++) if (pots[t]! < pots[bestT]!) bestT = t;
      for (let i = 0; i < n; i++) closest[i] = dist[i * trials + bestT]!;
      potential = pots[bestT]!;
      copyRow(ids[bestT]!, C, c * d);
    }
    return C;
  }

  /** Lloyd iterations from C0 until the labels repeat (strict), the shift is ≤ tolAbs, or maxIter. */
  private async lloyd(xa: ArrayLike<number>, Xa: Tensor, n: number, d: number, C0: Float64Array, tolAbs: number): Promise<Run> {
    const k = this.nClusters;
    const step = async (C: Float64Array) => {
      const out = await this.runner.run(this.graphs!.step, { Xa, C: this.runner.tensor([k, d], C) });
      return { labels: Int32Array.from(out.labels!.data), centers: float64(out.centers!), counts: float64(out.counts!) };
    };
    let C = C0, prev: Int32Array | undefined, labels = new Int32Array(n), strict = false, it = 0;
    while (it < this.maxIter) {
      it++;
      const s = await step(C);
      labels = s.labels;
      relocateEmpty(xa, d, C, s.centers, s.counts, labels);
      let shift = 0;
      for (let i = 0; i < k * d; i++) shift += (s.centers[i]! - C[i]!) ** 2;
      C = s.centers;
      if (prev && labels.every((v, i) => v === prev![i])) { strict = true; break; }
      prev = labels;
      if (shift <= tolAbs) break;
    }
    if (!strict) labels = (await step(C)).labels; // labels consistent with the final centres
    return { centers: C, labels, inertia: inertia(xa, d, C, labels), nIter: it };
  }

  private centred(X: Tensor): { Xa: Tensor; x2: Tensor; n: number } {
    if (!this.clusterCenters_) throw new Error('KMeans: call fit before predict or transform');
    const [x, n, d] = rows('X', X, this.nFeaturesIn_);
    const { Xa, x2 } = this.prepare(x, n, d);
    return { Xa, x2, n };
  }

  private centredCenters(): Tensor {
    const d = this.nFeaturesIn_;
    return this.runner.tensor([this.nClusters, d], float64(this.clusterCenters_!).map((v, i) => v - this.mean[i % d]!));
  }

  /** The nearest centre of each row [n] (int32). */
  async predict(X: Tensor): Promise<Tensor> {
    const { Xa } = this.centred(X);
    const out = await this.runner.run(this.graphs!.step, { Xa, C: this.centredCenters() });
    return new Tensor('int32', [X.shape[0]!], Int32Array.from(out.labels!.data));
  }

  /** fit(X), then the training labels. */
  async fitPredict(X: Tensor): Promise<Tensor> {
    return (await this.fit(X)).labels_!;
  }

  /** Euclidean distance of each row to each centre [n, k] (float64). */
  async transform(X: Tensor): Promise<Tensor> {
    const { Xa, x2, n } = this.centred(X);
    const out = await this.runner.run(this.graphs!.transform, { Xa, x2, C: this.centredCenters() });
    return new Tensor('float64', [n, this.nClusters], float64(out.distances!));
  }

  /** Release the compiled step graphs. */
  dispose(): void {
    this.runner.dispose();
  }
}

/** First index i with cumsum[i] ≥ v (numpy searchsorted, side 'left'). */
function searchsorted(cumsum: Float64Array, v: number): number {
  let lo = 0, hi = cumsum.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumsum[mid]! < v) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Σ_i ‖x_i − c_{z_i}‖² in float64 over the centred rows (stride d + 1). */
function inertia(xa: ArrayLike<number>, d: number, C: Float64Array, labels: Int32Array): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]! * d, r = i * (d + 1);
    for (let j = 0; j < d; j++) s += (xa[r + j]! - C[c + j]!) ** 2;
  }
  return s;
}

/** sklearn's `_relocate_empty_clusters_dense`: an empty centre moves to the row farthest from its old centre. */
function relocateEmpty(xa: ArrayLike<number>, d: number, old: Float64Array, C: Float64Array, counts: Float64Array, labels: Int32Array): void {
  const empty = [...counts.keys()].filter((j) => counts[j] === 0);
  if (empty.length === 0) return;
  const dist = (i: number): number => { let s = 0; for (let j = 0; j < d; j++) s += (xa[i * (d + 1) + j]! - old[labels[i]! * d + j]!) ** 2; return s; };
  const far = [...labels.keys()].map((i) => ({ i, dist: dist(i) })).sort((a, b) => b.dist - a.dist);
  empty.forEach((e, t) => {
    const i = far[t]!.i, from = labels[i]!;
    for (let j = 0; j < d; j++) {
      const x = xa[i * (d + 1) + j]!;
      if (counts[from]! > 1) C[from * d + j] = (C[from * d + j]! * counts[from]! - x) / (counts[from]! - 1);
      C[e * d + j] = x;
    }
    counts[from]! -= 1;
    counts[e] = 1;
  });
}
