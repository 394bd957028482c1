import { describe, expect, it } from 'vitest';
import { Philox, Tensor } from '@repkit/core';
import { loadIris, takeRows } from '@repkit/data';
import { kernels } from '@repkit/kernels';
import { matmulSquare, sharp } from './eigh.ts';
import { GMML, Mahalanobis } from './gmml.ts';
import { KNeighborsClassifier } from './knn.ts';
import { compareKnn } from './evaluate.ts';

const S = Float64Array.of(2, 0.5, 0.5, 1), D = Float64Array.of(1, 0.2, 0.2, 3);

describe('symmetric eigensolver and geometric means', () => {
  it('reproduces the METHODS §6 test vectors: S⁻¹ # D and S⁻¹ #_0.25 D', () => {
    const Sinv = kernels().spdPower(S, 2, -1), A = sharp(Sinv, D, 2, 0.5);
    [0.736693, -0.144189, -0.144189, 1.79361].forEach((v, i) => expect(A[i]!).toBeCloseTo(v, 5));
    [0.645206, -0.232141, -0.232141, 1.419644].forEach((v, i) => expect(sharp(Sinv, D, 2, 0.25)[i]!).toBeCloseTo(v, 6));
    const ASA = matmulSquare(matmulSquare(A, S, 2), A, 2); // the Riccati equation A S A = D
    expect(Math.hypot(...ASA.map((v, i) => v - D[i]!)) / Math.hypot(...D)).toBeLessThan(1e-12);
  });

  it('diagonalises a random symmetric 40 × 40 matrix to rounding (A V = V Λ, VᵀV = I)', () => {
    const n = 40, r = new Philox(1).normals(n * n), A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = r[Math.min(i, j) * n + Math.max(i, j)]!;
    const { values, vectors: V } = kernels().eigh(A, n);
    for (let k = 1; k < n; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
    let res = 0, orth = 0;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        let av = 0, vv = 0;
        for (let j = 0; j < n; j++) { av += A[i * n + j]! * V[j * n + k]!; vv += V[j * n + i]! * V[j * n + k]!; }
        res = Math.max(res, Math.abs(av - values[k]! * V[i * n + k]!));
        orth = Math.max(orth, Math.abs(vv - (i === k ? 1 : 0)));
      }
    }
    expect(res).toBeLessThan(1e-12);
    expect(orth).toBeLessThan(1e-12);
  });
});

describe('GMML, Mahalanobis and KNeighborsClassifier', () => {
  it('d_A(x, y) = ‖A^½x − A^½y‖²', () => {
    const m = new Mahalanobis(S, 2);
    const T = m.transform(new Tensor('float64', [2, 2], Float64Array.of(1, 2, -1, 0.5)));
    expect(m.distance([1, 2], [-1, 0.5])).toBeCloseTo((T.data[0]! - T.data[2]!) ** 2 + (T.data[1]! - T.data[3]!) ** 2, 12);
    expect(m.distance([1, 2], [-1, 0.5])).toBeCloseTo(2 * 4 + 2 * 0.5 * 2 * 1.5 + 1.5 ** 2, 12);
  });

  it('weights a label-bearing feature by √(D_jj / S_jj) over a noise feature (independent features)', () => {
    const rng = new Philox(5), n = 400, x = new Float64Array(n * 2), y = new Int32Array(n);
    for (let i = 0; i < n; i++) { y[i] = i % 2; x[i * 2] = y[i]! + 0.05 * rng.normal(); x[i * 2 + 1] = 2 * rng.normal(); }
    const g = new GMML({ lambda: 0 }).fit(new Tensor('float64', [n, 2], x), new Tensor('int32', [n], y));
    const A = g.metric_!.data;
    // similar pairs: var 2·0.05² on feature 0; dissimilar: 1 + 2·0.05²; the noise feature is alike in both → ratio ≈ √201 ≈ 14
    expect(A[0]! / A[3]!).toBeGreaterThan(10);
    expect(A[0]! / A[3]!).toBeLessThan(20);
    expect(g.nSimilar_ + g.nDissimilar_).toBe(40 * 2 * 1);
  });

  it('k-NN breaks vote ties toward the smallest class, as scikit-learn', () => {
    const X = new Tensor('float64', [4, 1], Float64Array.of(0, 1, 2, 3)), y = new Tensor('int32', [4], Int32Array.of(1, 0, 1, 0));
    expect(Array.from(new KNeighborsClassifier({ nNeighbors: 2 }).fit(X, y).predict(new Tensor('float64', [1, 1], Float64Array.of(1.4))).data)).toEqual([0]);
  });

  it('METHODS §6 on iris: k-NN (k = 5) with GMML ≥ Euclidean (standardised, 5 × 5-fold)', () => {
    const { X, y } = loadIris();
    const acc = compareKnn(X, y);
    expect(acc.gmml).toBeGreaterThanOrEqual(acc.euclidean); // reference script: 0.9573 vs 0.9533
  });

  it('rejects bad input with the argument named', () => {
    const X = new Tensor('float64', [3, 2], Float64Array.of(1, 2, 3, NaN, 5, 6)), y = new Tensor('int32', [3], Int32Array.of(0, 1, 0));
    expect(() => new GMML().fit(X, y)).toThrow(/X holds NaN at row 1, column 1/);
    const ok = new Tensor('float64', [3, 2], Float64Array.of(1, 2, 3, 4, 5, 6));
    expect(() => new GMML().fit(ok, new Tensor('int32', [2]))).toThrow(/y has 2 labels for 3 samples in X/);
    expect(() => new GMML().fit(ok, new Tensor('int32', [3]))).toThrow(/GMML needs at least two classes/);
    expect(() => new GMML({ prior: new Tensor('float64', [3, 3]) }).fit(ok, y)).toThrow(/prior has shape \[3, 3\], expected \[features, features\] = \[2, 2\]/);
    expect(() => new GMML({ t: 2 })).toThrow(/t must be a number in \[0, 1\]/);
    expect(() => new GMML().transform(ok)).toThrow(/call fit before transform/);
    expect(() => new KNeighborsClassifier({ nNeighbors: 4 }).fit(ok, y)).toThrow(/nNeighbors = 4 exceeds the 3 training samples/);
    expect(() => new KNeighborsClassifier({ nNeighbors: 1 }).fit(ok, y).predict(new Tensor('float64', [1, 3]))).toThrow(/X has 3 features, expected 2/);
    expect(() => new KNeighborsClassifier({ metric: 'cosine' as never })).toThrow(/metric must be 'euclidean' or an object with transform/);
  });
});
