import { describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import { Philox, Tensor, interpret, trace } from '@repkit/core';
import { readTriples, relationStats } from '@repkit/data';
import { kernels } from '@repkit/kernels';
import { TransE } from './transe.ts';
import { negativeSampler } from './sampler.ts';
import { trainKge } from './train.ts';
import { evaluateKge } from './evaluate.ts';
import { KnownAnswers } from './ranking.ts';
import { createKgeModel } from './models.ts';

const rows = (v: number[]): Tensor => new Tensor('float32', [1, v.length], Float32Array.from(v));

function transeScore(p: 1 | 2, h: number[], r: number[], t: number[]): number {
  const m = TransE({ dim: 2, p });
  const g = trace('s', (b) => ({ f: m.score({ E: b.data('h', 'float32', [1, 2]) }, { R: b.data('r', 'float32', [1, 2]) }, { E: b.data('t', 'float32', [1, 2]) }, b) }));
  return interpret(g, { h: rows(h), r: rows(r), t: rows(t) }).f!.item();
}

describe('TransE and the KGE pipeline', () => {
  it('scores the METHODS §1.8 test vectors', () => {
    expect(transeScore(1, [1, 0], [0, 1], [1, 1]) === 0).toBe(true);
    expect(transeScore(1, [1, 0], [0, 1], [0, 0])).toBe(-2);
    expect(transeScore(2, [1, 0], [0, 1], [0, 0])).toBeCloseTo(-Math.SQRT2, 12);
  });

  it('ranks ties optimistic / pessimistic / realistic, and filters known answers', () => {
    const s = Float64Array.of(0.9, 0.5, 0.9, 0.1);
    const none = kernels().filteredRanks(s, Int32Array.of(0), { offsets: Int32Array.of(0, 0), indices: new Int32Array(0) });
    expect([none.optimistic[0], none.pessimistic[0], none.realistic[0]]).toEqual([1, 2, 1.5]);
    const filtered = kernels().filteredRanks(s, Int32Array.of(0), { offsets: Int32Array.of(0, 1), indices: Int32Array.of(2) });
    expect([filtered.optimistic[0], filtered.pessimistic[0], filtered.realistic[0]]).toEqual([1, 1, 1]);
  });

  it('never draws the true entity as a negative; bern corrupts heads with p = tph/(tph+hpt)', () => {
    const d = readTriples('umls');
    for (const kind of ['basic', 'bern'] as const) {
      const s = negativeSampler(kind, d.train, d.entities.size, d.relations.size);
      const neg = new Int32Array(d.train.ids.length);
      s.corrupt(d.train.ids, d.train.count, neg, new Philox(3));
      for (let i = 0; i < d.train.count; i++) {
        const changed = [0, 2].filter((c) => neg[3 * i + c] !== d.train.ids[3 * i + c]);
        expect(changed).toHaveLength(1);
        expect(neg[3 * i + 1]).toBe(d.train.ids[3 * i + 1]);
      }
    }
  });

  it('bern on the host kernel draws exactly what the plain loop drew (same negatives, same stream position)', () => {
    const d = readTriples('kinships'), E = d.entities.size;
    const { tph, hpt } = relationStats(d.train, d.relations.size);
    const p = tph.map((v, r) => (v + hpt[r]! > 0 ? v / (v + hpt[r]!) : 0.5));
    const s = negativeSampler('bern', d.train, E, d.relations.size);
    for (const [seed, n] of [[0, 1], [1, 1024], [2, d.train.count]] as const) {
      const a = new Philox(seed), b = new Philox(seed), pos = d.train.ids.subarray(0, 3 * n);
      const got = new Int32Array(3 * n), want = pos.slice();
      s.corrupt(pos, n, got, a);
      for (let i = 0; i < n; i++) { // the loop 'bern' ran before it moved to kernels().negatives
        const col = b.uniform() < p[pos[3 * i + 1]!]! ? 0 : 2;
        let u = b.integer(0, E - 1);
        if (u >= pos[3 * i + col]!) u++;
        want[3 * i + col] = u;
      }
      expect(Array.from(got)).toEqual(Array.from(want));
      expect(Array.from(a.getState())).toEqual(Array.from(b.getState()));
    }
  });

  it('evaluates the same with fused host-kernel distances as with the broadcast graph', async () => {
    const d = readTriples('umls');
    const model = TransE({ dim: 16 });
    const { params } = await trainKge(model, d, { epochs: 3, seed: 1 });
    const filter = [d.train, d.valid, d.test];
    const fused = await evaluateKge(model, params, d.test, filter, d.relations.size);
    const graph = await evaluateKge(model, params, d.test, filter, d.relations.size, { fused: false });
    expect(Math.abs(fused.realistic.mrr - graph.realistic.mrr)).toBeLessThan(1e-3);
    expect(fused.realistic.mrr).toBeGreaterThan(0.041);
    const known = new KnownAnswers(d.relations.size, filter);
    expect(Array.from(known.csr('tail', Int32Array.of(d.test.ids[0]!), Int32Array.of(d.test.ids[1]!)).indices)).toContain(d.test.ids[2]);
  });

  it('rejects bad settings with the argument named', async () => {
    expect(() => TransE({ dim: 0 })).toThrow(/dim must be a positive integer, got 0/);
    expect(() => createKgeModel('TransX')).toThrow(/unknown KGE model 'TransX'/);
    const d = readTriples('nations');
    await expect(trainKge(TransE(), d, { epochs: 0 })).rejects.toThrow(/epochs must be a positive integer/);
    await expect(trainKge(TransE(), d, { epochs: 1, sampler: 'nope' as never })).rejects.toThrow(/sampler must be 'basic' or 'bern'/);
    await expect(trainKge(TransE(), d, { epochs: 1, optimizer: 'lbfgs' as never })).rejects.toThrow(/optimizer must be adam, adagrad or sgd/);
    await expect(evaluateKge(TransE(), {}, { ids: new Int32Array(0), count: 0 }, [], 1)).rejects.toThrow(/triples to rank are empty/);
  });
});
