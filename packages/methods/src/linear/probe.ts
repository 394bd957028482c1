// The linear probe of ssl-semi.md §6.3: standardise frozen features with the pool's statistics, fit
// LogisticRegression(C = 1, lbfgs, max_iter = 3000) on labelled pool rows, report test accuracy.
import { LogisticRegression } from './logistic-regression.ts';
import { fitStandardiser, standardise } from './standard-scaler.ts';

export interface ProbeData {
  /** Features of the pool rows, row-major [poolRows, dim]. */
  pool: ArrayLike<number>;
  /** Features of the test rows, row-major [testRows, dim]. */
  test: ArrayLike<number>;
  dim: number;
  /** Classes of the pool rows. */
  poolLabels: ArrayLike<number>;
  /** Classes of the test rows. */
  testLabels: ArrayLike<number>;
}

export interface ProbeResult {
  accuracy: number;
  /** Labelled pool rows the probe was trained on. */
  labels: number;
  iterations: number;
  converged: boolean;
  /** The fitted probe: logits = ((f − mean) / scale) · coefᵀ + intercept, coef [classes, dim]. */
  fitted: { mean: Float64Array; scale: Float64Array; coef: Float64Array; intercept: Float64Array; classes: number; dim: number };
}

/**
 * The probe as one linear layer on raw features, the scaler folded in (in float64, then rounded):
 * W [dim, classes] = coefᵀ / scale, b = intercept − coef · (mean / scale).
 */
export function foldProbe({ mean, scale, coef, intercept, classes, dim }: ProbeResult['fitted']): { W: Float32Array; b: Float32Array } {
  const W = new Float32Array(dim * classes), b = new Float32Array(classes);
  for (let k = 0; k < classes; k++) {
    let shift = 0;
    for (let j = 0; j < dim; j++) {
      W[j * classes + k] = coef[k * dim + j]! / scale[j]!;
      shift += (coef[k * dim + j]! * mean[j]!) / scale[j]!;
    }
    b[k] = intercept[k]! - shift;
  }
  return { W, b };
}

/** Test accuracy of a probe trained on pool rows `labelled` (positions within the pool). */
export function linearProbe(data: ProbeData, labelled: ArrayLike<number>, { C = 1, maxIter = 3000 } = {}): ProbeResult {
  const { dim } = data, nPool = data.poolLabels.length, nTest = data.testLabels.length;
  if (data.pool.length !== nPool * dim) throw new Error(`linearProbe: pool features must hold ${nPool} rows of ${dim}, got ${data.pool.length} values`);
  if (data.test.length !== nTest * dim) throw new Error(`linearProbe: test features must hold ${nTest} rows of ${dim}, got ${data.test.length} values`);
  const classes = new Set(Array.from(data.poolLabels)).size;
  if (labelled.length < classes || labelled.length > nPool) {
    throw new Error(`linearProbe: labelled must list between ${classes} (the classes) and ${nPool} (the pool) rows, got ${labelled.length}`);
  }
  const scaler = fitStandardiser(data.pool, nPool, dim);
  const P = standardise(data.pool, nPool, scaler), T = standardise(data.test, nTest, scaler);
  const X = new Float64Array(labelled.length * dim), y = new Int32Array(labelled.length);
  for (let i = 0; i < labelled.length; i++) {
    const r = labelled[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= nPool) throw new Error(`linearProbe: labelled[${i}] = ${r} is not a pool row in [0, ${nPool})`);
    X.set(P.subarray(r * dim, (r + 1) * dim), i * dim);
    y[i] = data.poolLabels[r]!;
  }
  const clf = new LogisticRegression({ C, maxIter }).fit(X, y, dim);
  return {
    accuracy: clf.score(T, data.testLabels), labels: labelled.length, iterations: clf.nIter_, converged: clf.converged_,
    fitted: { mean: scaler.mean, scale: scaler.scale, coef: clf.coef_!, intercept: clf.intercept_!, classes: clf.nClasses_, dim },
  };
}
