// Gaussian mixture fitted by EM (Dempster, Laird & Rubin 1977), scikit-learn 1.2.1 semantics
// (methods/ssl-semi.md §4.2). host + backend: responsibilities and M-step sums run as graphs on the
// chosen backend; reg_covar, the float64 Cholesky/log-det (kernels().cholesky) and the loop stay on the host.
import { Philox, Tensor, type Graph, type Results } from '@repkit/core';
import { kernels } from '@repkit/kernels';
import { StepRunner, float64, intOption, matrix, numOption } from './host.ts';
import { gmmGraphs, type CovarianceType } from './gmm-graphs.ts';
import { KMeans } from './kmeans.ts';

export interface GaussianMixtureOptions {
  /** Number of components k (default 1). */
  nComponents?: number;
  /** 'full' (default): one d×d covariance per component; 'tied': one shared; 'diag': per-feature variances; 'spherical': one variance. */
  covarianceType?: CovarianceType;
  /** Stop when the lower bound (mean log-likelihood) changes by less than tol (default 1e-3). */
  tol?: number;
  /** Added to the covariance diagonals so they stay positive definite (default 1e-6). */
  regCovar?: number;
  /** EM iterations per initialisation at most (default 100). */
  maxIter?: number;
  /** Initialisations; the highest lower bound wins (default 1). */
  nInit?: number;
  /** 'kmeans' (default): responsibilities from one k-means run; 'random': random normalised rows. */
  initParams?: 'kmeans' | 'random';
  /** Seed of the host Philox stream (k-means seeds, random responsibilities, sample) (default 0). */
  seed?: number;
  /** A registered backend name (default 'reference', float64). */
  backend?: string;
}

/** Parameters on the host (float64): what the E-step graph is fed, and what the fields expose. */
interface Params { weights: Float64Array; means: Float64Array; covariances: Float64Array; prec: Float64Array; logDet: Float64Array }

const TYPES: readonly CovarianceType[] = ['full', 'tied', 'diag', 'spherical'];

export class GaussianMixture {
  readonly nComponents: number;
  readonly covarianceType: CovarianceType;
  readonly tol: number;
  readonly regCovar: number;
  readonly maxIter: number;
  readonly nInit: number;
  readonly initParams: 'kmeans' | 'random';
  readonly seed: number;
  readonly backend: string;
  /** Mixing weights [k]. */
  weights_: Tensor | undefined;
  /** Component means [k, d]. */
  means_: Tensor | undefined;
  /** Covariances (reg included): full [k,d,d], tied [d,d], diag [k,d], spherical [k]. */
  covariances_: Tensor | undefined;
  /** Whether the best initialisation's lower bound moved by less than tol. */
  converged_ = false;
  /** EM iterations of the best initialisation. */
  nIter_ = 0;
  /** Mean log-likelihood of the training rows at the last E-step of the best initialisation. */
  lowerBound_ = -Infinity;
  nFeaturesIn_ = 0;
  private params: Params | undefined;
  private graphs: { eStep: Graph; mStep: Graph } | undefined;
  private readonly runner: StepRunner;

  constructor(opts: GaussianMixtureOptions = {}) {
    this.nComponents = intOption('nComponents', opts.nComponents ?? 1, 1);
    const type = opts.covarianceType ?? 'full';
    if (!TYPES.includes(type)) throw new Error(`covarianceType must be one of ${TYPES.join(', ')}, got '${String(type)}'`);
    this.covarianceType = type;
    this.tol = numOption('tol', opts.tol ?? 1e-3, 0, Infinity, true);
    this.regCovar = numOption('regCovar', opts.regCovar ?? 1e-6, 0, Infinity, true);
    this.maxIter = intOption('maxIter', opts.maxIter ?? 100, 1);
    this.nInit = intOption('nInit', opts.nInit ?? 1, 1);
    this.initParams = opts.initParams ?? 'kmeans';
    if (this.initParams !== 'kmeans' && this.initParams !== 'random') throw new Error(`initParams must be 'kmeans' or 'random', got '${String(opts.initParams)}'`);
    this.seed = intOption('seed', opts.seed ?? 0, 0);
    this.backend = opts.backend ?? 'reference';
    this.runner = new StepRunner(this.backend);
  }

  async fit(X: Tensor): Promise<this> {
    await this.fitPredict(X);
    return this;
  }

  /** fit(X), then the most responsible component of every training row [n] (int32). */
  async fitPredict(X: Tensor): Promise<Tensor> {
    const [x, n, d] = matrix('X', X);
    const k = this.nComponents;
    if (k > n) throw new Error(`nComponents = ${k} exceeds the ${n} samples in X; lower nComponents or pass at least ${k} samples`);
    this.nFeaturesIn_ = d;
    this.graphs = gmmGraphs(this.covarianceType, d, k);
    const Xf = this.runner.tensor([n, d], x);
    const rng = new Philox(this.seed);
    let best: { params: Params; lowerBound: number; nIter: number; converged: boolean } | undefined;
    for (let r = 0; r < this.nInit; r++) {
      let params = await this.mStep(Xf, await this.initialResponsibilities(X, n, rng), d);
      let lowerBound = -Infinity, converged = false, it = 0;
      while (it < this.maxIter) {
        it++;
        const prev = lowerBound;
        const e = await this.eStep(Xf, params);
        params = await this.mStep(Xf, e.resp!, d);
        lowerBound = mean(float64(e.logProb!));
        if (!Number.isFinite(lowerBound)) throw new Error(`GaussianMixture: the E-step gave a non-finite log-likelihood on backend '${this.backend}'; increase regCovar (now ${this.regCovar}) or use the float64 reference backend`);
        if (Math.abs(lowerBound - prev) < this.tol) { converged = true; break; }
      }
      if (!best || lowerBound > best.lowerBound) best = { params, lowerBound, nIter: it, converged };
    }
    this.setParams(best!.params, d);
    this.lowerBound_ = best!.lowerBound;
    this.nIter_ = best!.nIter;
    this.converged_ = best!.converged;
    return this.argmax((await this.eStep(Xf, this.params!)).resp!);
  }

  private async initialResponsibilities(X: Tensor, n: number, rng: Philox): Promise<Tensor> {
    const k = this.nComponents, R = new Float64Array(n * k);
    if (this.initParams === 'kmeans') {
      const km = new KMeans({ nClusters: k, nInit: 1, seed: rng.integer(0, 2 ** 31), backend: this.backend });
      const labels = (await km.fit(X)).labels_!.data;
      km.dispose();
      for (let i = 0; i < n; i++) R[i * k + labels[i]!] = 1;
    } else {
      const u = rng.uniforms(n * k);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += u[i * k + c]!;
        for (let c = 0; c < k; c++) R[i * k + c] = u[i * k + c]! / s;
      }
    }
    return this.runner.tensor([n, k], R);
  }

  private async eStep(Xf: Tensor, p: Params): Promise<Results> {
    const k = this.nComponents, d = this.nFeaturesIn_, full = this.covarianceType === 'full' || this.covarianceType === 'tied';
    const precShape = { full: [k, d, d], tied: [d, d], diag: [k, d], spherical: [k] }[this.covarianceType];
    return this.runner.run(this.graphs!.eStep, {
      X: Xf, means: this.runner.tensor([k, d], p.means), logWeights: this.runner.tensor([k], p.weights.map(Math.log)),
      logDet: this.runner.tensor([k], p.logDet), [full ? 'precChol' : 'prec']: this.runner.tensor(precShape, p.prec),
    });
  }

  /** Means and covariances from responsibilities (backend), then reg_covar and the precision factors (host, float64). */
  private async mStep(Xf: Tensor, resp: Tensor, d: number): Promise<Params> {
    const out = await this.runner.run(this.graphs!.mStep, { X: Xf, resp });
    const nk = float64(out.nk!), total = nk.reduce((a, b) => a + b, 0);
    const covariances = float64(out.covariances!).slice();
    const k = this.nComponents, reg = this.regCovar;
    if (this.covarianceType === 'full' || this.covarianceType === 'tied') {
      for (let m = 0; m < covariances.length / (d * d); m++) for (let j = 0; j < d; j++) covariances[m * d * d + j * d + j]! += reg;
    } else {
      for (let i = 0; i < covariances.length; i++) covariances[i] = Math.max(covariances[i]!, 0) + reg; // clamp float32 rounding below 0
    }
    return { weights: nk.map((v) => v / total), means: float64(out.means!).slice(), covariances, ...this.precisions(covariances, d, k) };
  }

  /** Precision Cholesky factors P = L⁻ᵀ (Σ = LLᵀ) and Σ log diag P, as sklearn's `_compute_precision_cholesky`. */
  private precisions(cov: Float64Array, d: number, k: number): { prec: Float64Array; logDet: Float64Array } {
    const type = this.covarianceType;
    if (type === 'diag' || type === 'spherical') {
      const logDet = new Float64Array(k), per = type === 'diag' ? d : 1;
      for (let c = 0; c < k; c++) for (let j = 0; j < per; j++) logDet[c]! -= (type === 'diag' ? 0.5 : 0.5 * d) * Math.log(cov[c * per + j]!);
      return { prec: cov.map((v) => 1 / v), logDet };
    }
    let chol;
    try {
      chol = kernels().cholesky(cov, d);
    } catch (e) {
      throw new Error(`GaussianMixture: a covariance is not positive definite (${(e as Error).message.split(';')[0]}): a component collapsed onto too few distinct rows; increase regCovar (now ${this.regCovar}) or lower nComponents`);
    }
    const prec = new Float64Array(cov.length), per = cov.length / (d * d);
    for (let m = 0; m < per; m++) lowerInverseTransposed(chol.factor.subarray(m * d * d, (m + 1) * d * d), d, prec.subarray(m * d * d, (m + 1) * d * d));
    const logDet = Float64Array.from({ length: k }, (_, c) => -0.5 * chol.logdet[type === 'tied' ? 0 : c]!);
    return { prec, logDet };
  }

  private setParams(p: Params, d: number): void {
    const k = this.nComponents;
    this.params = p;
    this.weights_ = new Tensor('float64', [k], p.weights);
    this.means_ = new Tensor('float64', [k, d], p.means);
    this.covariances_ = new Tensor('float64', { full: [k, d, d], tied: [d, d], diag: [k, d], spherical: [k] }[this.covarianceType], p.covariances);
  }

  private async eStepOn(X: Tensor): Promise<Results> {
    if (!this.params) throw new Error('GaussianMixture: call fit before score, predict or sample');
    const [x, n, d] = matrix('X', X, this.nFeaturesIn_);
    return this.eStep(this.runner.tensor([n, d], x), this.params);
  }

  private argmax(resp: Tensor): Tensor {
    const k = this.nComponents, n = resp.size / k, R = resp.data;
    return new Tensor('int32', [n], Int32Array.from({ length: n }, (_, i) => {
      let b = 0;
      for (let c = 1; c < k; c++) if (R[i * k + c]! > R[i * k + b]!) b = c;
      return b;
    }));
  }

  /** log p(x) of every row [n] (float64). */
  async scoreSamples(X: Tensor): Promise<Tensor> {
    const lp = float64((await this.eStepOn(X)).logProb!);
    return new Tensor('float64', [lp.length], lp.slice());
  }

  /** Mean log-likelihood per row. */
  async score(X: Tensor): Promise<number> {
    return mean(float64((await this.eStepOn(X)).logProb!));
  }

  /** Posterior probability of each component [n, k] (float64). */
  async predictProba(X: Tensor): Promise<Tensor> {
    const r = (await this.eStepOn(X)).resp!;
    return new Tensor('float64', r.shape, float64(r).slice());
  }

  /** The most probable component of every row [n] (int32). */
  async predict(X: Tensor): Promise<Tensor> {
    return this.argmax((await this.eStepOn(X)).resp!);
  }

  /** n rows drawn from the fitted mixture, grouped by component as sklearn returns them, with their component ids. */
  sample(n: number, seed = this.seed): { X: Tensor; y: Tensor } {
    if (!this.params) throw new Error('GaussianMixture: call fit before score, predict or sample');
    intOption('n', n, 1);
    const rng = new Philox(seed, 7), k = this.nComponents, d = this.nFeaturesIn_, p = this.params;
    const cum = new Float64Array(k);
    p.weights.reduce((s, w, c) => (cum[c] = s + w), 0);
    const component = (u: number): number => { const c = cum.findIndex((v) => u < v); return c < 0 ? k - 1 : c; };
    const y = Int32Array.from({ length: n }, () => component(rng.uniform() * cum[k - 1]!)).sort();
    const full = this.covarianceType === 'full' || this.covarianceType === 'tied';
    const L = full ? kernels().cholesky(p.covariances, d).factor : undefined;
    const X = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const c = y[i]!, z = rng.normals(d);
      for (let j = 0; j < d; j++) {
        let v = 0;
        if (L) { const o = (this.covarianceType === 'tied' ? 0 : c) * d * d + j * d; for (let t = 0; t <= j; t++) v += L[o + t]! * z[t]!; }
        else v = Math.sqrt(p.covariances[this.covarianceType === 'diag' ? c * d + j : c]!) * z[j]!;
        X[i * d + j] = p.means[c * d + j]! + v;
      }
    }
    return { X: new Tensor('float64', [n, d], X), y: new Tensor('int32', [n], y) };
  }

  dispose(): void {
    this.runner.dispose();
  }
}

function mean(a: Float64Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s / a.length;
}

/** out = (L⁻¹)ᵀ for a lower-triangular L (row-major): column c of L⁻¹ by forward substitution. */
function lowerInverseTransposed(L: Float64Array, d: number, out: Float64Array): void {
  for (let c = 0; c < d; c++) {
    for (let i = c; i < d; i++) {
      let s = i === c ? 1 : 0;
      for (let t = c; t < i; t++) s -= L[i * d + t]! * out[c * d + t]!;
      out[c * d + i] = s / L[i * d + i]!; // out[c][i] = (L⁻¹)[i][c]
    }
  }
}
