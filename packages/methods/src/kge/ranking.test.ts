import { describe, expect, it } from 'vitest';
import { Philox } from '@repkit/core';
import { KnownAnswers } from './ranking.ts';

describe('KnownAnswers', () => {
  it('lists every distinct true id of each (anchor, relation), sorted, as a brute-force scan does', () => {
    const rng = new Philox(3), E = 40, R = 5;
    const sets = [60, 25].map((count) => ({ count, ids: Int32Array.from({ length: 3 * count }, (_, i) => rng.integer(0, i % 3 === 1 ? R : E)) }));
    sets[1]!.ids.set(sets[0]!.ids.subarray(0, 30)); // duplicates across sets count once
    const known = new KnownAnswers(R, sets);
    for (const side of ['tail', 'head'] as const) {
      for (let a = 0; a < E + 2; a++) {
        for (let r = 0; r < R; r++) {
          const want = new Set<number>();
          for (const s of sets) {
            for (let i = 0; i < s.count; i++) {
              const [h, rr, t] = [s.ids[3 * i]!, s.ids[3 * i + 1]!, s.ids[3 * i + 2]!];
              if (rr === r && (side === 'tail' ? h : t) === a) want.add(side === 'tail' ? t : h);
            }
          }
          expect(Array.from(known.answers(side, a, r))).toEqual([...want].sort((p, q) => p - q));
        }
      }
    }
    const csr = known.csr('tail', Int32Array.of(sets[0]!.ids[0]!, E + 5), Int32Array.of(sets[0]!.ids[1]!, 0));
    expect(csr.offsets[2]).toBe(csr.offsets[1]); // an unknown anchor has no answers
    expect(Array.from(csr.indices)).toContain(sets[0]!.ids[2]);
  });
});
