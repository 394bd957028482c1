// wav2vec 2.0's losses against the float64 test vectors of ssl-semi.md §7 (#4 code, #5, #6) on the
// reference backend, to 1e-9 relative; and the host draws of §2.5.1 / §2.5.3.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, Philox, ReferenceBackend, Tensor, type Value } from '@repkit/core';
import { contrastiveLoss, diversityLoss, gatherSteps, quantise } from './wav2vec-losses.ts';
import { sampleDistractors, spanMask } from './sequence-masking.ts';

const ref = new ReferenceBackend();
const t64 = (shape: number[], v: number[]): Tensor => new Tensor('float64', shape, Float64Array.from(v));

async function run(build: (b: GraphBuilder) => Record<string, Value>, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const b = new GraphBuilder('t');
  return (await ref.compile(b.build(build(b)))).run(feeds);
}

const rel = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

describe('wav2vec 2.0 contrastive loss (§7 #5)', () => {
  const c = [1, 0, 0, 0.5, 0.5, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1];
  const q = [0.9, 0.1, 0, 0, 1, 0, 0.1, 0.9, 0.8, 1, 0.5, 0.2, 0.2, 0, 1];
  // masked steps {0, 2, 3}; distractors 0→{2,3}, 2→{0,3}, 3→{0,2}, as indices among the masked steps.
  const feeds = (qv: number[]): Record<string, Tensor> => ({
    c: t64([1, 5, 3], c), q: t64([1, 5, 3], qv), index: new Tensor('int32', [1, 3], Int32Array.of(0, 2, 3)),
    neg: new Tensor('int32', [1, 3, 2], Int32Array.of(1, 2, 0, 2, 0, 1)),
  });
  const build = (b: GraphBuilder): Record<string, Value> => {
    const index = b.data('index', 'int32', [1, 3]);
    const r = contrastiveLoss(gatherSteps(b.data('c', 'float64', [1, 5, 3]), index), gatherSteps(b.data('q', 'float64', [1, 5, 3]), index), b.data('neg', 'int32', [1, 3, 2]), 0.1);
    return { loss: r.loss, perStep: r.perStep, correct: r.correct };
  };

  it('gives the per-step losses and their mean', async () => {
    const out = await run(build, feeds(q));
    [0.2789554942, 0.003830225119, 0.2208715359].forEach((v, i) => expect(rel(out.perStep!.data[i]!, v)).toBeLessThan(1e-9));
    expect(rel(out.loss!.item(), 0.1678857517)).toBeLessThan(1e-9);
    expect(out.correct!.toArray()).toEqual([1, 1, 1]);
  });

  it('drops a distractor identical to the positive (logit −∞)', async () => {
    const dup = [...q];
    dup.splice(9, 3, ...q.slice(0, 3)); // q[3] := q[0]
    const out = await run(build, feeds(dup));
    expect(rel(out.loss!.item(), 0.04417223535)).toBeLessThan(1e-9);
  });

  it('rejects κ ≤ 0 by name', () => {
    const b = new GraphBuilder('bad');
    const x = b.data('x', 'float32', [1, 3, 2]);
    expect(() => contrastiveLoss(x, x, b.data('n', 'int32', [1, 3, 1]), 0)).toThrow(/kappa must be positive/);
  });
});

describe('wav2vec 2.0 diversity loss (§7 #6)', () => {
  const logits = [2, 0, 0, -1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 3, 0, 0, 2, 1, 0, 1, 0, 0, 2];
  it('matches the seed form and the perplexity form', async () => {
    const out = await run((b) => {
      const l = b.data('l', 'float64', [3, 2, 4]);
      return { seed: diversityLoss(l), perplexity: diversityLoss(l, 'perplexity') };
    }, { l: t64([3, 2, 4], logits) });
    expect(rel(out.seed!.item(), -0.3198976483)).toBeLessThan(1e-9);
    expect(rel(out.perplexity!.item(), 0.1001692606)).toBeLessThan(1e-9);
  });
});

describe('Gumbel product quantiser (§7 #4 code)', () => {
  it('selects [2, 3] and gives the concatenated hard code [0.4, 0.5, 1.4, 1.5] through an identity project_q', async () => {
    const e = Array.from({ length: 16 }, (_, k) => { const g = Math.floor(k / 8), v = Math.floor((k % 8) / 2), i = k % 2; return (8 * g + 2 * v + i) / 10; });
    const out = await run((b) => {
      const z = b.data('z', 'float64', [1, 1, 8]);
      const r = quantise(z, { Wl: b.data('Wl', 'float64', [8, 8]), bl: b.data('bl', 'float64', [8]), codebooks: b.data('e', 'float64', [2, 4, 2]), Wq: b.data('Wq', 'float64', [4, 4]), bq: b.data('bq', 'float64', [4]) },
        { u: b.data('u', 'float64', [1, 1, 2, 4]), invTau: b.data('invTau', 'float64', []) });
      return { q: r.q, index: r.index };
    }, {
      // z W + b = the logits of #4: z = logits, W = I, b = 0.
      z: t64([1, 1, 8], [1, 2, 0.5, -1, 0, 0.3, 0.2, 0.1]), Wl: t64([8, 8], Array.from({ length: 64 }, (_, k) => (k % 9 === 0 ? 1 : 0))), bl: t64([8], new Array(8).fill(0)),
      e: t64([2, 4, 2], e), Wq: t64([4, 4], Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? 1 : 0))), bq: t64([4], [0, 0, 0, 0]),
      u: t64([1, 1, 2, 4], [0.1, 0.5, 0.9, 0.3, 0.7, 0.2, 0.4, 0.95]), invTau: t64([], [2]),
    });
    expect(out.index!.toArray()).toEqual([2, 3]);
    [0.4, 0.5, 1.4, 1.5].forEach((v, i) => expect(out.q!.data[i]).toBeCloseTo(v, 12));
  });
});

describe('span masking and distractors (§2.5.1, §2.5.3)', () => {
  it('masks spans of M steps, trims every row to the same count, and is reproducible', () => {
    const m = spanMask(6, 40, new Philox(3), { maskProb: 0.65, spanLength: 10 });
    for (let b = 0; b < 6; b++) {
      const row = Array.from(m.mask.data.subarray(b * 40, (b + 1) * 40));
      expect(row.reduce((a, v) => a + v, 0)).toBe(m.masked);
      const idx = Array.from(m.index.data.subarray(b * m.masked, (b + 1) * m.masked));
      expect(idx.every((t, i) => row[t] === 1 && (i === 0 || t > idx[i - 1]!))).toBe(true);
    }
    expect(m.masked).toBeGreaterThanOrEqual(10);
    expect(spanMask(6, 40, new Philox(3), { spanLength: 10 }).index.data).toEqual(m.index.data);
  });

  it('draws distractors among the other masked steps, never the step itself', () => {
    const d = sampleDistractors(3, 5, 200, new Philox(1));
    const seen = new Set<number>();
    for (let b = 0; b < 3; b++) for (let i = 0; i < 5; i++) for (let k = 0; k < 200; k++) {
      const j = d.data[(b * 5 + i) * 200 + k]!;
      expect(j).not.toBe(i);
      expect(j >= 0 && j < 5).toBe(true);
      if (i === 2) seen.add(j);
    }
    expect([...seen].sort()).toEqual([0, 1, 3, 4]);
  });

  it('rejects bad arguments by name', () => {
    expect(() => spanMask(2, 8, new Philox(0), { spanLength: 10 })).toThrow(/sequence length 8 is shorter than the span length 10/);
    expect(() => spanMask(2, 20, new Philox(0), { maskProb: 1.2 })).toThrow(/maskProb must be a probability in \(0, 1\)/);
    expect(() => sampleDistractors(1, 4, 0, new Philox(0))).toThrow(/K \(distractors\) must be an integer ≥ 1/);
  });
});
