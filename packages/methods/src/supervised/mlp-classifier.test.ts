import { describe, expect, it } from 'vitest';
import { Tensor } from '@repkit/core';
import { digitsSplit, loadDigits, takeRows } from '@repkit/data';
import { MLPClassifier } from './mlp-classifier.ts';

describe('MLPClassifier (reference backend)', () => {
  const { X, y } = loadDigits();
  const { pool, test } = digitsSplit();

  it('learns digits: loss falls and accuracy far exceeds chance after 60 steps', async () => {
    const m = await new MLPClassifier({ steps: 60, seed: 1 }).fit(takeRows(X, pool), takeRows(y, pool));
    expect(m.lossCurve_).toHaveLength(60);
    expect(m.lossCurve_.at(-1)!).toBeLessThan(m.lossCurve_[0]! / 3);
    expect(await m.score(takeRows(X, test), takeRows(y, test))).toBeGreaterThan(0.8);
  });

  it('is deterministic for a seed', async () => {
    const a = await new MLPClassifier({ steps: 3, seed: 5 }).fit(takeRows(X, pool), takeRows(y, pool));
    const b = await new MLPClassifier({ steps: 3, seed: 5 }).fit(takeRows(X, pool), takeRows(y, pool));
    expect(a.lossCurve_).toEqual(b.lossCurve_);
  });

  it('rejects bad input with the argument named', async () => {
    const bad = new Tensor('float32', [2, 2], Float32Array.of(1, NaN, 0, 1));
    await expect(new MLPClassifier().fit(bad, new Tensor('int32', [2], Int32Array.of(0, 1)))).rejects.toThrow(/X holds NaN at row 0, column 1/);
    await expect(new MLPClassifier().fit(takeRows(X, [0, 1]), new Tensor('int32', [3]))).rejects.toThrow(/y has 3 labels for 2 samples/);
    await expect(new MLPClassifier().fit(takeRows(X, [0, 1]), new Tensor('int32', [2], Int32Array.of(0, -1)))).rejects.toThrow(/class -1/);
    expect(() => new MLPClassifier({ batchSize: 0 })).toThrow(/batchSize must be an integer ≥ 1/);
    await expect(new MLPClassifier().predict(X)).rejects.toThrow(/call fit before predict/);
    await expect(new MLPClassifier({ backend: 'nope', steps: 1 }).fit(takeRows(X, pool), takeRows(y, pool))).rejects.toThrow(/backend 'nope' is not registered/);
  });
});
