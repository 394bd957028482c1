import { describe, expect, it } from 'vitest';
import { Tensor } from '@repkit/core';
import { KMeans } from './kmeans.ts';
import { blobs, rawDigits } from './datasets.ts';
import { adjustedRandScore, normalizedMutualInfoScore } from './scores.ts';

describe('KMeans (reference backend, float64)', () => {
  const { X } = blobs([[0, 0], [10, 0], [0, 10]], { perCentre: 30, std: 0.5 });

  it('finds three separated blobs; inertia, predict and transform agree', async () => {
    const km = await new KMeans({ nClusters: 3, nInit: 3, seed: 1 }).fit(X);
    const labels = km.labels_!.data;
    for (let c = 0; c < 3; c++) expect(new Set(labels.slice(c * 30, (c + 1) * 30)).size).toBe(1);
    expect(new Set(labels).size).toBe(3);
    const C = km.clusterCenters_!.data;
    let inertia = 0;
    for (let i = 0; i < 90; i++) for (let j = 0; j < 2; j++) inertia += (X.data[i * 2 + j]! - C[labels[i]! * 2 + j]!) ** 2;
    expect(km.inertia_).toBeCloseTo(inertia, 8);
    expect(Array.from((await km.predict(X)).data)).toEqual(Array.from(labels));
    const D = await km.transform(X);
    expect(D.shape).toEqual([90, 3]);
    for (let i = 0; i < 90; i++) {
      const row = Array.from(D.data.slice(i * 3, i * 3 + 3));
      expect(row.indexOf(Math.min(...row))).toBe(labels[i]);
    }
  });

  it('runs Lloyd from given centres to the hand-computed fixed point', async () => {
    const pts = new Tensor('float64', [4, 1], Float64Array.of(0, 1, 10, 11));
    const km = await new KMeans({ nClusters: 2, init: new Tensor('float64', [2, 1], Float64Array.of(0, 1)) }).fit(pts);
    expect(Array.from(km.clusterCenters_!.data)).toEqual([0.5, 10.5]);
    expect(Array.from(km.labels_!.data)).toEqual([0, 0, 1, 1]);
    expect(km.inertia_).toBeCloseTo(1, 12);
    expect(km.nIter_).toBe(3); // 0 / 1 → 0 / 7.33 → 0.5 / 10.5 → labels repeat
  });

  it('relocates an empty cluster to the farthest row', async () => {
    const pts = new Tensor('float64', [4, 1], Float64Array.of(0, 1, 2, 30));
    const km = await new KMeans({ nClusters: 2, init: new Tensor('float64', [2, 1], Float64Array.of(5, 100)) }).fit(pts);
    expect(Array.from(km.clusterCenters_!.data)).toEqual([1, 30]);
  });

  it('is deterministic for a seed and fitPredict returns the labels', async () => {
    const a = await new KMeans({ nClusters: 3, seed: 7 }).fitPredict(X);
    const b = await new KMeans({ nClusters: 3, seed: 7 }).fitPredict(X);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  it('reaches scikit-learn’s digits inertia: k = 10, nInit = 10 ≤ 1.005 × 1,165,178', async () => {
    const km = await new KMeans({ nClusters: 10, nInit: 10, seed: 0 }).fit(rawDigits().X);
    expect(km.inertia_).toBeLessThanOrEqual(1.005 * 1165178);
  });

  it('rejects bad input with the argument named', async () => {
    const nan = new Tensor('float32', [2, 2], Float32Array.of(1, NaN, 0, 1));
    await expect(new KMeans({ nClusters: 1 }).fit(nan)).rejects.toThrow(/X holds NaN at row 0, column 1/);
    const inf = new Tensor('float32', [2, 2], Float32Array.of(1, 0, Infinity, 1));
    await expect(new KMeans({ nClusters: 1 }).fit(inf)).rejects.toThrow(/X holds Infinity at row 1, column 0/);
    await expect(new KMeans({ nClusters: 91 }).fit(X)).rejects.toThrow(/nClusters = 91 exceeds the 90 samples in X/);
    await expect(new KMeans({ nClusters: 3, init: new Tensor('float64', [2, 2]) }).fit(X)).rejects.toThrow(/init has shape \[2, 2\], expected \[nClusters, features\] = \[3, 2\]/);
    const km = await new KMeans({ nClusters: 3, nInit: 1 }).fit(X);
    await expect(km.predict(new Tensor('float64', [2, 3]))).rejects.toThrow(/X has 3 features, expected 2/);
    await expect(new KMeans().predict(X)).rejects.toThrow(/call fit before predict/);
    expect(() => new KMeans({ nClusters: 0 })).toThrow(/nClusters must be an integer in \[1, ∞\], got 0/);
    expect(() => new KMeans({ tol: -1 })).toThrow(/tol must be a number in \[0, Infinity\]/);
    await expect(new KMeans({ nClusters: 2, backend: 'nope' }).fit(X)).rejects.toThrow(/backend 'nope' is not registered/);
  });

  it('scores a clustering against labels as scikit-learn does (ARI, NMI)', () => {
    const t = new Tensor('int32', [10], Int32Array.of(0, 0, 0, 1, 1, 1, 2, 2, 2, 2));
    const p = new Tensor('int32', [10], Int32Array.of(1, 1, 0, 0, 2, 2, 2, 2, 2, 1));
    expect(adjustedRandScore(t, p)).toBeCloseTo(0.1366906474820144, 14); // sklearn 1.2.1
    expect(normalizedMutualInfoScore(t, p)).toBeCloseTo(0.39915022881533163, 14);
    expect(adjustedRandScore(t, t)).toBe(1);
    expect(() => adjustedRandScore(t, new Tensor('int32', [3]))).toThrow(/labelsTrue has 10 entries but labelsPred has 3/);
  });
});
