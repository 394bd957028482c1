import { describe, expect, it } from 'vitest';
import { digitsSplit, loadDigits } from '@repkit/data';
import { digitFeatures, digitPixels, inkFromRgba } from './digit-pixels.ts';
import { centredTestDigit, paintDigit } from './digit-fixture.ts';

describe('digitPixels', () => {
  const { X, y } = loadDigits();
  const { index, pixels } = centredTestDigit(X, y, digitsSplit().test);

  it('gives back a scikit-learn digit painted as 20×20 blocks, and the row loadDigits feeds', () => {
    const { rgba, width, height } = paintDigit(pixels, { block: 20, size: 160 });
    const got = digitPixels(inkFromRgba(rgba, width, height), width, height)!;
    expect([...got]).toEqual([...pixels]);
    expect(digitFeatures(got)).toEqual(X.data.subarray(index * 64, index * 64 + 64));
  });

  it('scales and centres the ink: the same digit half size in a corner gives the same 64 values', () => {
    const { rgba, width, height } = paintDigit(pixels, { block: 10, size: 160, left: 3, top: 71 });
    expect([...digitPixels(inkFromRgba(rgba, width, height), width, height)!]).toEqual([...pixels]);
  });

  it('fits the longer side and centres the other: a 80×10 bar covers half of rows 3 and 4', () => {
    const ink = new Float32Array(160 * 160);
    for (let yy = 100; yy < 110; yy++) ink.fill(1, yy * 160 + 20, yy * 160 + 100);
    const want = new Uint8Array(64);
    want.fill(8, 24, 40);
    expect([...digitPixels(ink, 160, 160)!]).toEqual([...want]);
  });

  it('says null for a blank drawing, and names the argument of a wrong size', () => {
    expect(digitPixels(new Float32Array(100), 10, 10)).toBeNull();
    expect(() => digitPixels(new Float32Array(99), 10, 10)).toThrow(/digitPixels: ink holds 99 values for a 10×10 image/);
    expect(() => inkFromRgba(new Uint8Array(12), 2, 2)).toThrow(/inkFromRgba: rgba holds 12 bytes, a 2×2 image has 16/);
    expect(() => digitFeatures(new Uint8Array(63))).toThrow(/digitFeatures: pixels holds 63 values/);
  });
});
