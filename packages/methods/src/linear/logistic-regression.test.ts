import { describe, expect, it } from 'vitest';
import { digitsSplit, loadDigits, loadIris } from '@repkit/data';
import { LogisticRegression } from './logistic-regression.ts';
import { linearProbe } from './probe.ts';

describe('LogisticRegression against scikit-learn 1.2.1 (C = 1, lbfgs)', () => {
  it('iris: coefficients, intercepts and training accuracy', () => {
    const { X, y } = loadIris();
    const clf = new LogisticRegression().fit(X.data, y.data, 4);
    // LogisticRegression(C=1.0, max_iter=3000).fit(X, y): coef_.ravel(), intercept_, score.
    const coef = [-0.42345818624269244, 0.9674006371517376, -2.517168550431804, -1.0792693997806697, 0.5343924240185581, -0.32168548227217897,
      -0.20631233427937426, -0.9443427799716742, -0.11093423777586439, -0.6457151548795563, 2.7234808847111767, 2.0236121797523494];
    const intercept = [9.848956486435403, 2.2376286249068866, -12.08658511134216];
    Array.from(clf.coef_!).forEach((c, i) => expect(Math.abs(c - coef[i]!), `coef ${i}`).toBeLessThan(2e-4 * Math.max(1, Math.abs(coef[i]!))));
    Array.from(clf.intercept_!).forEach((c, i) => expect(Math.abs(c - intercept[i]!), `intercept ${i}`).toBeLessThan(2e-3));
    expect(clf.score(X.data, y.data)).toBeCloseTo(0.9733333333, 9);
    expect(clf.converged_).toBe(true);
  });

  it('digits raw-pixel probe (ssl-semi.md §6.3 row 1): 655/797 with 50 labels, 767/797 with 1000', () => {
    const { X, y } = loadDigits(), s = digitsSplit();
    const rows = (idx: Int32Array): Float32Array => {
      const out = new Float32Array(idx.length * 64);
      idx.forEach((r, i) => out.set(X.data.subarray(r * 64, (r + 1) * 64) as Float32Array, i * 64));
      return out;
    };
    const at = new Map(Array.from(s.pool, (r, i) => [r, i]));
    const data = { pool: rows(s.pool), test: rows(s.test), dim: 64, poolLabels: s.pool.map((r) => y.data[r]!), testLabels: s.test.map((r) => y.data[r]!) };
    expect(linearProbe(data, s.labelled.map((r) => at.get(r)!)).accuracy * 797).toBeCloseTo(655, 6);
    expect(linearProbe(data, Int32Array.from(s.pool.keys())).accuracy * 797).toBeCloseTo(767, 6);
  });

  it('rejects bad input with the argument named', () => {
    expect(() => new LogisticRegression({ C: 0 })).toThrow(/C must be a positive number, got 0/);
    expect(() => new LogisticRegression().fit([1, 2, 3], [0, 1], 2)).toThrow(/X must hold 2 rows of 2 features/);
    expect(() => new LogisticRegression().fit([1, 2], [0, 0], 1)).toThrow(/single class/);
    expect(() => new LogisticRegression().predict([1])).toThrow(/call fit before predict/);
    const data = { pool: [0, 1, 2, 3], test: [0, 1], dim: 1, poolLabels: [0, 1, 0, 1], testLabels: [0, 1] };
    expect(() => linearProbe(data, [0])).toThrow(/labelled must list between 2 \(the classes\) and 4 \(the pool\) rows, got 1/);
  });
});
