// METHODS §6 on digits: k-NN (k = 5) with the GMML metric ≥ Euclidean k-NN (standardised, 5 × 5-fold).
// GMML is float64 host linear algebra, not a backend graph, so this runs once. Wine is not shipped.
import { describe, expect, it } from 'vitest';
import { rawDigits } from '../cluster/datasets.ts';
import { compareKnn } from './evaluate.ts';

describe('GMML on digits', () => {
  it('k-NN with GMML ≥ Euclidean k-NN', () => {
    const { X, y } = rawDigits();
    const acc = compareKnn(X, y);
    console.log(`digits k-NN accuracy: Euclidean ${acc.euclidean.toFixed(4)}, GMML ${acc.gmml.toFixed(4)} (reference script: 0.9766 vs 0.9779)`);
    expect(acc.gmml).toBeGreaterThanOrEqual(acc.euclidean);
  });
});
