// k-nearest-neighbour classification (Cover & Hart 1967) under Euclidean distance or any learned metric
// that maps rows so that Euclidean distance is the metric (a Mahalanobis, a fitted GMML). Host kernels.
import { Tensor } from '@repkit/core';
import { kernels } from '@repkit/kernels';
import { checkLabels } from '../validate.ts';
import { float64, intOption, matrix } from '../cluster/host.ts';

/** Anything that maps rows into a space where Euclidean distance is the wanted metric. */
export interface MetricTransform { transform(X: Tensor): Tensor }

export interface KNeighborsOptions {
  /** Neighbours that vote (default 5). */
  nNeighbors?: number;
  /** 'euclidean' (default) or a learned metric (e.g. a fitted GMML or a Mahalanobis). */
  metric?: 'euclidean' | MetricTransform;
}

export class KNeighborsClassifier {
  readonly nNeighbors: number;
  readonly metric: 'euclidean' | MetricTransform;
  classes_ = 0;
  private X_: Float64Array = new Float64Array(0);
  private y_: Int32Array = new Int32Array(0);
  private d = 0;

  constructor(opts: KNeighborsOptions = {}) {
    this.nNeighbors = intOption('nNeighbors', opts.nNeighbors ?? 5, 1);
    const m = opts.metric ?? 'euclidean';
    if (m !== 'euclidean' && typeof (m as MetricTransform)?.transform !== 'function') throw new Error("metric must be 'euclidean' or an object with transform(X), such as a fitted GMML");
    this.metric = m;
  }

  private map(X: Tensor): Tensor {
    return this.metric === 'euclidean' ? X : this.metric.transform(X);
  }

  fit(X: Tensor, y: Tensor): this {
    const [, n, d] = matrix('X', X);
    this.classes_ = checkLabels('y', y, n);
    if (this.nNeighbors > n) throw new Error(`nNeighbors = ${this.nNeighbors} exceeds the ${n} training samples; lower nNeighbors`);
    this.X_ = float64(this.map(X)).slice();
    this.y_ = Int32Array.from(y.data);
    this.d = d;
    return this;
  }

  /** Majority class of the nNeighbors nearest training rows (ties: the smallest class id, as scikit-learn). */
  predict(X: Tensor): Tensor {
    if (!this.classes_) throw new Error('KNeighborsClassifier: call fit before predict');
    matrix('X', X, this.d);
    const q = float64(this.map(X)), m = X.shape[0]!, n = this.y_.length, k = this.nNeighbors, dm = q.length / m;
    const out = new Int32Array(m), votes = new Int32Array(this.classes_);
    for (let r0 = 0; r0 < m; r0 += 512) {
      const r1 = Math.min(m, r0 + 512);
      const top = kernels().topK(kernels().score(q.subarray(r0 * dm, r1 * dm), this.X_, { dim: dm, metric: 'l2-squared' }), n, k);
      for (let i = r0; i < r1; i++) {
        votes.fill(0);
        for (let t = 0; t < k; t++) votes[this.y_[top.indices[(i - r0) * k + t]!]!]!++;
        let best = 0;
        for (let c = 1; c < votes.length; c++) if (votes[c]! > votes[best]!) best = c;
        out[i] = best;
      }
    }
    return new Tensor('int32', [m], out);
  }

  /** Accuracy of predict(X) against y. */
  score(X: Tensor, y: Tensor): number {
    checkLabels('y', y, X.shape[0]!);
    const p = this.predict(X).data;
    let hit = 0;
    for (let i = 0; i < p.length; i++) hit += p[i] === y.data[i] ? 1 : 0;
    return hit / p.length;
  }
}
