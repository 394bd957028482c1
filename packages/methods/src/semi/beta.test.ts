import { describe, expect, it } from 'vitest';
import { Philox } from '@repkit/core';
import { betaSample, gammaSample } from './beta.ts';

describe('host Beta and Gamma draws', () => {
  it('match the moments of Γ(k) and Beta(0.75, 0.75) over 20 000 draws', () => {
    const rng = new Philox(5);
    for (const k of [0.75, 2.5]) {
      const xs = Array.from({ length: 20000 }, () => gammaSample(rng, k));
      const m = xs.reduce((p, q) => p + q, 0) / xs.length;
      const v = xs.reduce((p, q) => p + (q - m) ** 2, 0) / xs.length;
      expect(Math.abs(m - k)).toBeLessThan(0.05 * k); // mean k
      expect(Math.abs(v - k)).toBeLessThan(0.1 * k); // variance k
    }
    const bs = Array.from({ length: 20000 }, () => betaSample(rng, 0.75, 0.75));
    const m = bs.reduce((p, q) => p + q, 0) / bs.length;
    const v = bs.reduce((p, q) => p + (q - m) ** 2, 0) / bs.length;
    expect(bs.every((b) => b > 0 && b < 1)).toBe(true);
    expect(Math.abs(m - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(v - 0.25 / 2.5)).toBeLessThan(0.005); // ab/((a+b)²(a+b+1)) = 0.1
  });

  it('rejects a non-positive shape', () => {
    expect(() => gammaSample(new Philox(0), 0)).toThrow(/gamma shape must be positive/);
  });
});
