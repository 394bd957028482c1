import { describe, expect, it } from 'vitest';
import { Tensor } from '@repkit/core';
import { rawDigits } from '../cluster/datasets.ts';
import { LabelPropagation, LabelSpreading } from './label-propagation.ts';
import { MT19937, maskLabels } from './mt19937.ts';

const X6 = new Tensor('float64', [6, 1], Float64Array.of(0, 0.5, 1.2, 3, 3.4, 4.1));
const y6 = new Tensor('int32', [6], Int32Array.of(0, -1, -1, 1, -1, -1));
const new2 = new Tensor('float64', [2, 1], Float64Array.of(0.8, 2.6));
const col0 = (t: Tensor): number[] => Array.from({ length: t.shape[0]! }, (_, i) => t.data[i * t.shape[1]!]!);

/** Accuracy on the rows whose label was hidden. */
function unlabelledAccuracy(pred: Tensor, y: Tensor, yl: Int32Array): number {
  let hit = 0, total = 0;
  yl.forEach((c, i) => { if (c < 0) { total++; hit += pred.data[i] === y.data[i] ? 1 : 0; } });
  return hit / total;
}

describe('LabelSpreading and LabelPropagation (reference backend, float64)', () => {
  it('match scikit-learn 1.2.1 on a 6-point rbf problem (distributions, n_iter, inductive predict)', async () => {
    const s = await new LabelSpreading({ kernel: 'rbf', gamma: 0.5, alpha: 0.2 }).fit(X6, y6);
    expect(s.nIter_).toBe(5);
    col0(s.labelDistributions_!).forEach((v, i) => expect(v).toBeCloseTo([0.995837431831, 0.936160272785, 0.745890964886, 0.004164931728, 0.016707952689, 0.00845211508][i]!, 11));
    col0(s.predictProba(new2)).forEach((v, i) => expect(v).toBeCloseTo([0.844490785677, 0.174764597294][i]!, 11));
    const p = await new LabelPropagation({ kernel: 'rbf', gamma: 0.5 }).fit(X6, y6);
    expect(p.nIter_).toBe(15);
    col0(p.labelDistributions_!).forEach((v, i) => expect(v).toBeCloseTo([1, 0.845507816756, 0.735141791431, 0, 0.064812859741, 0.046812440668][i]!, 11));
    col0(p.predictProba(new2)).forEach((v, i) => expect(v).toBeCloseTo([0.810774846676, 0.186656728566][i]!, 11));
    expect(Array.from(p.transduction_!.data)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(p.predict(new2).data)).toEqual([0, 1]);
  });

  it('reproduces numpy RandomState(0) and the 171-label mask of sklearn_ref.py', () => {
    expect(Array.from(new MT19937(0).rand(3))).toEqual([0.5488135039273248, 0.7151893663724195, 0.6027633760716439]);
    expect(maskLabels(new Int32Array(1797), 0.1).filter((c) => c >= 0)).toHaveLength(171);
  });

  it('reach METHODS §4 on digits, knn 7, 10 % labels: spreading (α = 0.2) ≥ 0.96, propagation ≥ 0.97', async () => {
    const { X, y } = rawDigits();
    const yl = maskLabels(y.data as Int32Array, 0.1);
    const s = await new LabelSpreading({ kernel: 'knn', nNeighbors: 7, alpha: 0.2 }).fit(X, new Tensor('int32', [1797], yl));
    expect(unlabelledAccuracy(s.transduction_!, y, yl)).toBeGreaterThanOrEqual(0.96); // sklearn 0.9680
    const p = await new LabelPropagation({ kernel: 'knn', nNeighbors: 7 }).fit(X, new Tensor('int32', [1797], yl));
    expect(unlabelledAccuracy(p.transduction_!, y, yl)).toBeGreaterThanOrEqual(0.97); // sklearn 0.9760
  });

  it('rejects bad input with the argument named', async () => {
    const nan = new Tensor('float64', [2, 1], Float64Array.of(NaN, 1));
    const two = new Tensor('int32', [2], Int32Array.of(0, -1));
    await expect(new LabelSpreading().fit(nan, two)).rejects.toThrow(/X holds NaN at row 0, column 0/);
    await expect(new LabelSpreading().fit(new Tensor('float64', [2, 1], Float64Array.of(1, -Infinity)), two)).rejects.toThrow(/X holds -Infinity at row 1/);
    await expect(new LabelSpreading().fit(X6, new Tensor('int32', [6], new Int32Array(6).fill(-1)))).rejects.toThrow(/y has no labelled point/);
    await expect(new LabelPropagation().fit(X6, two)).rejects.toThrow(/y has 2 labels for 6 samples in X/);
    await expect(new LabelPropagation().fit(X6, new Tensor('float32', [6]))).rejects.toThrow(/y must be an int32 Tensor/);
    await expect(new LabelPropagation().fit(X6, new Tensor('int32', [6], Int32Array.of(0, -2, 1, 1, 1, 1)))).rejects.toThrow(/y holds -2 at index 1/);
    await expect(new LabelSpreading({ kernel: 'knn', nNeighbors: 7 }).fit(X6, y6)).rejects.toThrow(/nNeighbors = 7 exceeds the 6 samples in X/);
    expect(() => new LabelSpreading({ alpha: 1 })).toThrow(/alpha must be in the open interval \(0, 1\)/);
    expect(() => new LabelSpreading({ kernel: 'poly' as never })).toThrow(/kernel must be 'rbf' or 'knn'/);
    const m = await new LabelSpreading({ gamma: 0.5 }).fit(X6, y6);
    expect(() => m.predict(new Tensor('float64', [1, 2]))).toThrow(/X has 2 features, expected 1/);
    expect(() => new LabelSpreading().predict(X6)).toThrow(/call fit before predict/);
  });
});
