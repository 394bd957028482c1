// METHODS §4 targets on the float32 backends: digits, 7-NN graph, the 171 labels of sklearn_ref.py.
import { describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import '@repkit/backend-wasm';
import { Tensor } from '@repkit/core';
import { rawDigits } from '../cluster/datasets.ts';
import { LabelPropagation, LabelSpreading } from './label-propagation.ts';
import { maskLabels } from './mt19937.ts';

const { X, y } = rawDigits();
const yl = maskLabels(y.data as Int32Array, 0.1);
const accuracy = (pred: Tensor): number => {
  let hit = 0, total = 0;
  yl.forEach((c, i) => { if (c < 0) { total++; hit += pred.data[i] === y.data[i] ? 1 : 0; } });
  return hit / total;
};

describe('label spreading / propagation on digits reach METHODS §4', () => {
  for (const backend of ['onnxruntime', 'wasm']) {
    it(`on ${backend}: spreading ≥ 0.96, propagation ≥ 0.97`, async () => {
      const s = await new LabelSpreading({ kernel: 'knn', nNeighbors: 7, alpha: 0.2, backend }).fit(X, new Tensor('int32', [1797], yl));
      const p = await new LabelPropagation({ kernel: 'knn', nNeighbors: 7, backend }).fit(X, new Tensor('int32', [1797], yl));
      console.log(`${backend}: spreading ${accuracy(s.transduction_!).toFixed(4)} (${s.nIter_} it.; sklearn 0.9680), propagation ${accuracy(p.transduction_!).toFixed(4)} (${p.nIter_} it.; sklearn 0.9760)`);
      expect(accuracy(s.transduction_!)).toBeGreaterThanOrEqual(0.96);
      expect(accuracy(p.transduction_!)).toBeGreaterThanOrEqual(0.97);
    });
  }
});
