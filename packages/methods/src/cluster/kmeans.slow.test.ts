// METHODS §5 target on the float32 backends: digits, k = 10, nInit = 10 → inertia ≤ 1.005 × 1,165,178.
import { describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import '@repkit/backend-wasm';
import { KMeans } from './kmeans.ts';
import { rawDigits } from './datasets.ts';

const { X } = rawDigits();

describe('KMeans on digits reaches scikit-learn’s inertia', () => {
  for (const backend of ['onnxruntime', 'wasm']) {
    it(`on ${backend}`, async () => {
      const km = await new KMeans({ nClusters: 10, nInit: 10, seed: 0, backend }).fit(X);
      console.log(`${backend}: inertia ${km.inertia_.toFixed(1)} (sklearn 1,165,178; target ≤ 1,171,004), ${km.nIter_} iterations`);
      expect(km.inertia_).toBeLessThanOrEqual(1.005 * 1165178);
      km.dispose();
    });
  }
});
