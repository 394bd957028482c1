import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Philox, philox4x32 } from './philox.ts';

const hex = (w: Uint32Array): string[] => Array.from(w, (x) => x.toString(16).padStart(8, '0'));

describe('Philox4x32-10', () => {
  // Known-answer vectors published with Random123 (kat_vectors: philox4x32 10).
  it('matches the published known-answer vectors', () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    const ones = 0xffffffff;
    expect(hex(philox4x32([ones, ones, ones, ones], [ones, ones]))).toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])))
      .toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  it('is a pure function of (seed, stream, counter)', () => {
    const a = new Philox(42, 3), b = new Philox(42, 3), c = new Philox(42, 4);
    const xs = Array.from({ length: 9 }, () => a.nextU32());
    expect(Array.from({ length: 9 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 9 }, () => c.nextU32())).not.toEqual(xs);
    const skip = new Philox(42, 3, 2); // starts at block 2 = the 9th word onwards
    expect(skip.nextU32()).toBe(xs[8]);
  });

  it('gives the same stream in another process', () => {
    const here = fileURLToPath(new URL('./philox.ts', import.meta.url));
    const script = `import('${here}').then(({ Philox }) => { const r = new Philox(7, 1); ` +
      `console.log(JSON.stringify([r.nextU32(), r.uniform(), r.integer(0, 10), Array.from(r.permutation(6))])); })`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    const r = new Philox(7, 1);
    expect(JSON.parse(out)).toEqual([r.nextU32(), r.uniform(), r.integer(0, 10), Array.from(r.permutation(6))]);
  });

  it('draws uniforms in [0, 1), unbiased integers, permutations and choices', () => {
    const r = new Philox(1);
    const u = r.uniforms(20000);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    expect(u.reduce((p, q) => p + q, 0) / u.length).toBeCloseTo(0.5, 2);
    const counts = new Array(7).fill(0);
    for (const x of r.integers(70000, 0, 7)) counts[x]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
    expect([...r.permutation(50)].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const ch = r.choice(100, 30);
    expect(new Set(ch).size).toBe(30);
    expect(() => r.integer(3, 3)).toThrow(/lo < hi/);
    expect(() => r.choice(5, 6)).toThrow(/k must be in/);
  });
});
