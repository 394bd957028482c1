// METHODS §5 t-SNE targets on digits, perplexity 30: KL ≤ 0.80 and trustworthiness(5) ≥ 0.99. The exact
// gradient runs as a step graph on onnxruntime and wasm (spec: exact must reach KL ≤ 0.72, sklearn 0.680);
// Barnes–Hut runs on the host whatever the backend (sklearn 0.754).
import { describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import '@repkit/backend-wasm';
import { rawDigits } from '../cluster/datasets.ts';
import { TSNE } from './tsne.ts';
import { trustworthiness } from './trustworthiness.ts';

const { X } = rawDigits();

describe('t-SNE on digits reaches METHODS §5', () => {
  const cases = [
    { method: 'barnes_hut', backend: 'reference', maxKl: 0.8 },
    { method: 'exact', backend: 'onnxruntime', maxKl: 0.72 },
    { method: 'exact', backend: 'wasm', maxKl: 0.72 },
  ] as const;
  for (const { method, backend, maxKl } of cases) {
    it(`${method}${method === 'exact' ? ` on ${backend}` : ' (host)'}: KL ≤ ${maxKl}, trustworthiness(5) ≥ 0.99`, async () => {
      const t0 = performance.now();
      const ts = new TSNE({ method, backend, perplexity: 30, seed: 0 });
      const E = await ts.fitTransform(X);
      const trust = trustworthiness(X, E, 5);
      console.log(`${method} ${backend}: KL ${ts.klDivergence_.toFixed(4)}, trustworthiness ${trust.toFixed(4)}, ${ts.nIter_ + 1} iterations, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      expect(ts.klDivergence_).toBeLessThanOrEqual(maxKl);
      expect(trust).toBeGreaterThanOrEqual(0.99);
      ts.dispose();
    });
  }
});
