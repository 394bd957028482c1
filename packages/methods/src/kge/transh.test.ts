import { describe, expect, it } from 'vitest';
import { Tensor, interpret, trace } from '@repkit/core';
import { TransH } from './transh.ts';
import { scoreOne } from './testing.ts';

describe('TransH', () => {
  const m = TransH({ dim: 2 });
  const r = { R: [1, 0, 0, 1] };
  it('methods §1.8 (squared L2): w = [1,0], d_r = [0,1], h = [2,3]: t = [5,4] → 0, t = [5,6] → −4', () => {
    const sq = TransH({ dim: 2, squared: true });
    expect(scoreOne(sq, { E: [2, 3] }, r, { E: [5, 4] })).toBeCloseTo(0, 12);
    expect(scoreOne(sq, { E: [2, 3] }, r, { E: [5, 6] })).toBeCloseTo(-4, 12);
  });
  it('the default (PyKEEN\'s −‖·‖₂) on the same vectors: 0 and −2', () => {
    expect(scoreOne(m, { E: [2, 3] }, r, { E: [5, 4] })).toBeCloseTo(0, 12);
    expect(scoreOne(m, { E: [2, 3] }, r, { E: [5, 6] })).toBeCloseTo(-2, 12);
  });
  it('the constraint normalises w_r and removes d_r\'s component along it', () => {
    const g = trace('c', (b) => ({ p: m.constraints.R!(b.data('p', 'float32', [1, 2, 2])) }));
    const p = interpret(g, { p: new Tensor('float32', [1, 2, 2], Float32Array.of(3, 4, 1, 1)) }).p!.data;
    expect([...p].map((v) => +v.toFixed(6))).toEqual([0.6, 0.8, 1 - 0.6 * 1.4, 1 - 0.8 * 1.4].map((v) => +v.toFixed(6)));
  });
});
