// METHODS §5 target on the float32 backends: digits, k = 10, mean log-likelihood within 1 % of
// scikit-learn 1.2.1 under the settings of sklearn_ref.py (full with reg 1e-2, diag with reg 1e-6).
import { describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import '@repkit/backend-wasm';
import { GaussianMixture } from './gmm.ts';
import { rawDigits } from './datasets.ts';

const { X } = rawDigits();
const SKLEARN = [
  { covarianceType: 'full', regCovar: 1e-2, score: -76.98034194196134 },
  { covarianceType: 'diag', regCovar: 1e-6, score: -22.18132137698293 },
] as const;

describe('GaussianMixture on digits is within 1 % of scikit-learn', () => {
  for (const backend of ['onnxruntime', 'wasm']) {
    for (const { covarianceType, regCovar, score } of SKLEARN) {
      it(`${covarianceType}, reg ${regCovar}, on ${backend}`, async () => {
        const g = await new GaussianMixture({ nComponents: 10, covarianceType, regCovar, seed: 0, backend }).fit(X);
        const s = await g.score(X);
        console.log(`${backend} ${covarianceType} reg ${regCovar}: score ${s.toFixed(4)} (sklearn ${score.toFixed(4)}), ${g.nIter_} iterations, converged ${g.converged_}`);
        expect(g.converged_).toBe(true);
        expect(Math.abs(s - score)).toBeLessThanOrEqual(0.01 * Math.abs(score));
        g.dispose();
      });
    }
  }
});
