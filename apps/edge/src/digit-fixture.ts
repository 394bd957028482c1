// Test support: a digit of the test split whose ink is already centred (columns 1..6, the most common
// extent), so drawing-to-input must give its 64 values back exactly; and that digit painted as RGBA.
import type { Tensor } from '@repkit/core';

/** The first image of `test` spanning rows 0..7 and columns 1..6, as its 0..16 pixels. */
export function centredTestDigit(X: Tensor, y: Tensor, test: Int32Array): { index: number; label: number; pixels: Uint8Array } {
  for (const index of test) {
    const pixels = Uint8Array.from(X.data.subarray(index * 64, index * 64 + 64), (v) => Math.round(v * 16));
    const col = (j: number): boolean => [0, 1, 2, 3, 4, 5, 6, 7].some((i) => pixels[i * 8 + j]! > 0);
    if (!col(0) && col(1) && col(6) && !col(7)) return { index, label: y.data[index]!, pixels };
  }
  throw new Error('centredTestDigit: no test image spans columns 1..6; check datasets/digits');
}

/** `pixels` (8×8, 0..16) painted as block × block squares of black at alpha v/16 on a transparent size × size image. */
export function paintDigit(pixels: ArrayLike<number>, o: { block: number; size: number; left?: number; top?: number }): { rgba: Uint8ClampedArray; width: number; height: number } {
  const { block, size, left = 0, top = 0 } = o;
  const rgba = new Uint8ClampedArray(size * size * 4);
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 8; j++) {
      const a = Math.round((255 * pixels[i * 8 + j]!) / 16);
      for (let y = top + i * block; y < top + (i + 1) * block; y++) {
        for (let x = left + j * block; x < left + (j + 1) * block; x++) rgba[(y * size + x) * 4 + 3] = a;
      }
    }
  }
  return { rgba, width: size, height: size };
}
