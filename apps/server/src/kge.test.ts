// The KGE helpers: top-k selection equals a full sort (ties by id), labelled queries as feeds, clear 400s.
import { describe, expect, it } from 'vitest';
import { Philox } from '@repkit/core';
import { kgeFeeds, kgeLabels, topPredictions } from './kge.ts';

describe('topPredictions', () => {
  it('equals sorting every score (descending, then id), ties and all', () => {
    const r = new Philox(3);
    for (const n of [1, 5, 135, 2000]) {
      // Rounded scores make many exact ties.
      const scores = Float32Array.from(r.uniforms(n, -3, 3), (x) => Math.round(x * 4) / 4);
      const labels = Array.from({ length: n }, (_, i) => `e${i}`);
      const order = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
      for (const top of [1, 3, 10, n, n + 5]) {
        expect(topPredictions(scores, labels, top)).toEqual(order.slice(0, top).map((i) => ({ label: labels[i], score: scores[i] })));
      }
    }
  });
});

describe('kgeLabels and kgeFeeds', () => {
  const meta = { 'repkit.kind': 'kge', 'repkit.model': 'TransE', 'repkit.entities': '["a","b","c"]', 'repkit.relations': '["r0","r1"]' };
  it('turns a labelled query into one row of h, r, t', () => {
    const k = kgeLabels(meta, 'm.onnx')!;
    const q = kgeFeeds(k, { head: 'c', relation: 'r1' });
    expect([q.side, q.feeds.h!.toArray(), q.feeds.r!.toArray(), q.feeds.t!.toArray()]).toEqual(['tails', [2], [1], [2]]);
    expect(kgeFeeds(k, { tail: 'a', relation: 'r0' }).side).toBe('heads');
    expect(() => kgeFeeds(k, { head: 'z', relation: 'r0' })).toThrow("unknown head 'z' (3 known, e.g. a, b, c); labels are case-sensitive");
    expect(() => kgeFeeds(k, { relation: 'r0' })).toThrow(/exactly one of "head"/);
  });
  it('is undefined for other models and names a malformed label list', () => {
    expect(kgeLabels({}, 'x.onnx')).toBeUndefined();
    expect(() => kgeLabels({ ...meta, 'repkit.entities': '{' }, 'x.onnx')).toThrow("x.onnx: metadata 'repkit.entities' must be a JSON array of labels; re-export with 'repkit kge export'");
  });
});
