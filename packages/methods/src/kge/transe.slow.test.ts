// TransE on UMLS with the METHODS.md §1 protocol (seed 0) reaches the reference MRR band on both
// engines, and the engines agree within 0.02 (the full 3-seed table: npm run bench -- kge-transe).
import { describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import '@repkit/backend-wasm';
import { readTriples } from '@repkit/data';
import { TransE } from './transe.ts';
import { trainKge } from './train.ts';
import { evaluateKge } from './evaluate.ts';

describe('TransE on UMLS (bern, Adam 0.001, 500 epochs, d = 50, L1)', () => {
  const mrr: Record<string, number> = {};
  for (const backend of ['onnxruntime', 'wasm']) {
    it(`reaches 0.705 ± 0.03 MRR on ${backend}`, async () => {
      const d = readTriples('umls'), model = TransE({ dim: 50 });
      const { params } = await trainKge(model, d, { epochs: 500, lr: 0.001, seed: 0, backend });
      const m = await evaluateKge(model, params, d.test, [d.train, d.valid, d.test], d.relations.size, { backend });
      console.log(`${backend}: ${JSON.stringify(m.realistic)}`);
      mrr[backend] = m.realistic.mrr;
      expect(Math.abs(m.realistic.mrr - 0.705)).toBeLessThanOrEqual(0.03);
    });
  }
  it('gives the same MRR on both engines within 0.02', () => {
    expect(Math.abs(mrr.onnxruntime! - mrr.wasm!)).toBeLessThanOrEqual(0.02);
  });
});
