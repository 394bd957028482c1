// The proof of the vertical slice: the digits MLP trained through the same method code on every
// backend gives the same loss curve, and each reaches ≥ 95 % test accuracy after full training.
import { describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import '@repkit/backend-wasm';
import { digitsSplit, loadDigits, takeRows } from '@repkit/data';
import { MLPClassifier } from './mlp-classifier.ts';

const BACKENDS = ['reference', 'onnxruntime', 'wasm'];
const { X, y } = loadDigits();
const { pool, test } = digitsSplit();
const [Xtr, ytr, Xte, yte] = [takeRows(X, pool), takeRows(y, pool), takeRows(X, test), takeRows(y, test)];

describe('digits MLP 64-256-256-10 on every backend', () => {
  it('has the same loss curve over 200 Adam steps (rel. difference at step 200 ≤ 1e-3)', async () => {
    const curves: Record<string, number[]> = {};
    for (const backend of BACKENDS) curves[backend] = (await new MLPClassifier({ backend, steps: 200 }).fit(Xtr, ytr)).lossCurve_;
    const ref = curves.reference!;
    for (const backend of BACKENDS.slice(1)) {
      const c = curves[backend]!;
      const at200 = Math.abs(c[199]! - ref[199]!) / Math.abs(ref[199]!);
      const worst = Math.max(...c.map((v, i) => Math.abs(v - ref[i]!) / Math.abs(ref[i]!)));
      console.log(`${backend}: loss at step 200 ${c[199]} vs reference ${ref[199]}; rel. diff ${at200.toExponential(2)}, worst over 200 steps ${worst.toExponential(2)}`);
      expect(at200).toBeLessThanOrEqual(1e-3);
    }
  });

  for (const backend of BACKENDS) {
    it(`reaches ≥ 95 % test accuracy after 3000 steps on ${backend}`, async () => {
      const m = await new MLPClassifier({ backend, steps: 3000 }).fit(Xtr, ytr);
      const acc = await m.score(Xte, yte);
      console.log(`${backend}: test accuracy ${(acc * 100).toFixed(2)} % on 797 images`);
      expect(acc).toBeGreaterThanOrEqual(0.95);
    });
  }
});
