// Multinomial logistic regression as scikit-learn's LogisticRegression(C, solver='lbfgs'): minimise
// Σ_i CE(softmax(x_i W + b), y_i) + ½/C ‖W‖² (intercept not penalised), float64 L-BFGS from zero.
import { lbfgs } from './lbfgs.ts';

export interface LogisticRegressionOptions {
  /** Inverse L2 strength (default 1). */
  C?: number;
  /** L-BFGS iterations (default 3000, as the probe of ssl-semi.md §6.3). */
  maxIter?: number;
  /** Gradient tolerance (default 1e-4, scikit-learn's tol). */
  tol?: number;
}

export class LogisticRegression {
  readonly C: number;
  readonly maxIter: number;
  readonly tol: number;
  /** Weights [classes, features] (scikit-learn's coef_ layout). */
  coef_: Float64Array | undefined;
  /** [classes]. */
  intercept_: Float64Array | undefined;
  nIter_ = 0;
  converged_ = false;
  nClasses_ = 0;
  nFeatures_ = 0;

  constructor({ C = 1, maxIter = 3000, tol = 1e-4 }: LogisticRegressionOptions = {}) {
    if (!(C > 0) || !Number.isFinite(C)) throw new Error(`LogisticRegression: C must be a positive number, got ${C}`);
    if (!Number.isInteger(maxIter) || maxIter < 1) throw new Error(`LogisticRegression: maxIter must be a positive integer, got ${maxIter}`);
    if (!(tol > 0)) throw new Error(`LogisticRegression: tol must be positive, got ${tol}`);
    this.C = C;
    this.maxIter = maxIter;
    this.tol = tol;
  }

  /** X: row-major [rows, features]; y: classes 0..K−1 (K = max + 1, every class present). */
  fit(X: ArrayLike<number>, y: ArrayLike<number>, features: number): this {
    const n = y.length;
    if (n < 1 || X.length !== n * features) throw new Error(`LogisticRegression.fit: X must hold ${n} rows of ${features} features (${n * features} values), got ${X.length}`);
    let K = 0;
    for (let i = 0; i < n; i++) {
      if (!Number.isInteger(y[i]) || y[i]! < 0) throw new Error(`LogisticRegression.fit: y[${i}] = ${y[i]} is not a class index ≥ 0`);
      K = Math.max(K, y[i]! + 1);
    }
    if (K < 2) throw new Error('LogisticRegression.fit: y holds a single class; a classifier needs at least two');
    const d = features, P = K * d, lam = 1 / this.C;
    const z = new Float64Array(K);
    // θ = [W (K×d, row per class), b (K)].
    const fg = (theta: Float64Array, g: Float64Array): number => {
      g.fill(0);
      let f = 0;
      for (let i = 0; i < n; i++) {
        const xi = i * d;
        let m = -Infinity;
        for (let k = 0; k < K; k++) {
          let s = theta[P + k]!;
          const wk = k * d;
          for (let j = 0; j < d; j++) s += theta[wk + j]! * X[xi + j]!;
          z[k] = s;
          if (s > m) m = s;
        }
        let se = 0;
        for (let k = 0; k < K; k++) se += Math.exp(z[k]! - m);
        const lse = m + Math.log(se);
        f += lse - z[y[i]!]!;
        for (let k = 0; k < K; k++) {
          const r = Math.exp(z[k]! - lse) - (k === y[i] ? 1 : 0);
          g[P + k]! += r;
          const wk = k * d;
          for (let j = 0; j < d; j++) g[wk + j]! += r * X[xi + j]!;
        }
      }
      for (let j = 0; j < P; j++) {
        f += 0.5 * lam * theta[j]! ** 2;
        g[j]! += lam * theta[j]!;
      }
      return f;
    };
    const r = lbfgs(fg, new Float64Array(P + K), { gtol: this.tol, maxIter: this.maxIter });
    this.coef_ = r.x.slice(0, P);
    this.intercept_ = r.x.slice(P);
    this.nIter_ = r.iterations;
    this.converged_ = r.converged;
    this.nClasses_ = K;
    this.nFeatures_ = d;
    return this;
  }

  /** Logits [rows, classes] of row-major X. */
  decisionFunction(X: ArrayLike<number>): Float64Array {
    const W = this.coef_, b = this.intercept_, d = this.nFeatures_, K = this.nClasses_;
    if (!W || !b) throw new Error('LogisticRegression: call fit before predict');
    if (X.length % d) throw new Error(`LogisticRegression: X must hold rows of ${d} features, got ${X.length} values`);
    const n = X.length / d, out = new Float64Array(n * K);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < K; k++) {
        let s = b[k]!;
        for (let j = 0; j < d; j++) s += W[k * d + j]! * X[i * d + j]!;
        out[i * K + k] = s;
      }
    }
    return out;
  }

  predict(X: ArrayLike<number>): Int32Array {
    const z = this.decisionFunction(X), K = this.nClasses_;
    return Int32Array.from({ length: z.length / K }, (_, i) => {
      let best = 0;
      for (let k = 1; k < K; k++) if (z[i * K + k]! > z[i * K + best]!) best = k;
      return best;
    });
  }

  score(X: ArrayLike<number>, y: ArrayLike<number>): number {
    const p = this.predict(X);
    if (p.length !== y.length) throw new Error(`LogisticRegression.score: ${p.length} rows of X for ${y.length} labels`);
    let hit = 0;
    for (let i = 0; i < p.length; i++) hit += p[i] === y[i] ? 1 : 0;
    return hit / p.length;
  }
}
