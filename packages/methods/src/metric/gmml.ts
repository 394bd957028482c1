// Geometric mean metric learning (Zadeh, Hosseini & Sra, ICML 2016; methods/kge-graph-recsys-metric.md
// §6): A = (S + λA0⁻¹)⁻¹ #_t (D + λA0), the weighted geodesic between the inverse similar-pair scatter and
// the dissimilar-pair scatter, regularised towards a prior A0. Float64 on the host (the kernels' Jacobi eigh).
import { Philox, Tensor } from '@repkit/core';
import { kernels } from '@repkit/kernels';
import { intOption, matrix, numOption } from '../cluster/host.ts';
import { sharp } from './eigh.ts';

export interface GMMLOptions {
  /** Position on the geodesic from S⁻¹ (t = 0) to D (t = 1) (default 0.5, the paper's closed form A = S⁻¹ # D). */
  t?: number;
  /** Weight λ of the prior (default 0.1, as shared/reference/gmml_ref.py); 0 disables it. */
  lambda?: number;
  /** The prior A0 [d, d] (SPD), or 'identity' (default). */
  prior?: 'identity' | Tensor;
  /** Random pairs drawn per class pair: 40·c(c − 1) in all (default 40, pyDML's constraint_factor). */
  constraintFactor?: number;
  /** Seed of the Philox stream that draws the pairs (default 0). */
  seed?: number;
}

/** A Mahalanobis metric d_A(x, y) = (x − y)ᵀ A (x − y), used through x ↦ L x with LᵀL = A (L = A^½). */
export class Mahalanobis {
  /** L = A^½ [d, d] (symmetric); A must be positive definite. */
  readonly L: Float64Array;

  constructor(readonly A: Float64Array, readonly dim: number) {
    if (A.length !== dim * dim) throw new Error(`A must hold dim × dim = ${dim * dim} values, got ${A.length}`);
    this.L = kernels().spdPower(A, dim, 0.5);
  }

  /** Rows mapped by L: Euclidean distances between them are d_A distances. */
  transform(X: Tensor): Tensor {
    const [x, n, d] = matrix('X', X, this.dim);
    const out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += this.L[a * d + b]! * x[i * d + b]!;
        out[i * d + a] = s;
      }
    }
    return new Tensor('float64', [n, d], out);
  }

  /** d_A(x, y), the squared Mahalanobis distance. */
  distance(x: ArrayLike<number>, y: ArrayLike<number>): number {
    const d = this.dim;
    if (x.length !== d || y.length !== d) throw new Error(`x and y must have dim = ${d} entries, got ${x.length} and ${y.length}`);
    let s = 0;
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) s += (x[a]! - y[a]!) * this.A[a * d + b]! * (x[b]! - y[b]!);
    return s;
  }
}

export class GMML {
  readonly t: number;
  readonly lambda: number;
  readonly prior: 'identity' | Tensor;
  readonly constraintFactor: number;
  readonly seed: number;
  /** The learned metric A [d, d] (float64). */
  metric_: Tensor | undefined;
  /** Similar-pair and dissimilar-pair counts drawn by the last fit. */
  nSimilar_ = 0;
  nDissimilar_ = 0;
  private mahalanobis: Mahalanobis | undefined;

  constructor(opts: GMMLOptions = {}) {
    this.t = numOption('t', opts.t ?? 0.5, 0, 1, true);
    this.lambda = numOption('lambda', opts.lambda ?? 0.1, 0, Infinity, true);
    const prior = opts.prior ?? 'identity';
    if (prior !== 'identity' && !(prior instanceof Tensor)) throw new Error(`prior must be 'identity' or an SPD Tensor [features, features], got ${String(prior)}`);
    this.prior = prior;
    this.constraintFactor = intOption('constraintFactor', opts.constraintFactor ?? 40, 1);
    this.seed = intOption('seed', opts.seed ?? 0, 0);
  }

  /** Learn A from labelled rows: same-label pairs are similar, others dissimilar. */
  fit(X: Tensor, y: Tensor): this {
    const [x, n, d] = matrix('X', X);
    if (!(y instanceof Tensor) || y.dtype !== 'int32' || y.rank !== 1) throw new Error('y must be an int32 Tensor [samples] of class ids');
    if (y.shape[0] !== n) throw new Error(`y has ${y.shape[0]} labels for ${n} samples in X; pass one label per row`);
    const c = new Set(y.data).size;
    if (c < 2) throw new Error(`y holds ${c} class; GMML needs at least two classes to draw dissimilar pairs`);
    const A0 = this.prior === 'identity' ? identity(d) : priorMatrix(this.prior, d);
    const rng = new Philox(this.seed), pairs = this.constraintFactor * c * (c - 1);
    const i = rng.integers(pairs, 0, n), j = rng.integers(pairs, 0, n);
    const S = new Float64Array(d * d), D = new Float64Array(d * d), diff = new Float64Array(d);
    let ns = 0, nd = 0;
    for (let p = 0; p < pairs; p++) {
      for (let a = 0; a < d; a++) diff[a] = x[i[p]! * d + a]! - x[j[p]! * d + a]!;
      const same = y.data[i[p]!] === y.data[j[p]!], M = same ? S : D;
      if (same) ns++; else nd++;
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) M[a * d + b]! += diff[a]! * diff[b]!;
    }
    if (ns === 0 || nd === 0) throw new Error(`the ${pairs} random pairs gave ${ns} similar and ${nd} dissimilar ones; raise constraintFactor`);
    const K = kernels(), A0inv = K.spdPower(A0, d, -1);
    for (let e = 0; e < d * d; e++) { S[e]! += this.lambda * A0inv[e]!; D[e]! += this.lambda * A0[e]!; }
    const A = sharp(K.spdPower(S, d, -1), D, d, this.t);
    this.nSimilar_ = ns;
    this.nDissimilar_ = nd;
    this.metric_ = new Tensor('float64', [d, d], A);
    this.mahalanobis = new Mahalanobis(A, d);
    return this;
  }

  /** x ↦ A^½ x: Euclidean geometry of the output is the learned metric. */
  transform(X: Tensor): Tensor {
    if (!this.mahalanobis) throw new Error('GMML: call fit before transform');
    return this.mahalanobis.transform(X);
  }

  /** The learned metric as a Mahalanobis object (for KNeighborsClassifier). */
  get mahalanobis_(): Mahalanobis {
    if (!this.mahalanobis) throw new Error('GMML: call fit before using the metric');
    return this.mahalanobis;
  }
}

function identity(d: number): Float64Array {
  const I = new Float64Array(d * d);
  for (let a = 0; a < d; a++) I[a * d + a] = 1;
  return I;
}

function priorMatrix(P: Tensor, d: number): Float64Array {
  if (P.rank !== 2 || P.shape[0] !== d || P.shape[1] !== d) throw new Error(`prior has shape [${P.shape.join(', ')}], expected [features, features] = [${d}, ${d}]`);
  return matrix('prior', P)[0];
}
