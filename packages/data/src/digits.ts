// The UCI/scikit-learn 8×8 digits (1797 images, pixels 0..16) and the fixed seed-0 split of
// methods/ssl-semi.md §6.1: 1000-image pool / 797 test, 50 labelled pool images (5 per class).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { Tensor } from '@repkit/core';
import { datasetPath } from './paths.ts';

export interface Digits {
  /** float32 [n, 64], pixels scaled to [0, 1]. */
  X: Tensor;
  /** int32 [n], classes 0..9. */
  y: Tensor;
}

export interface DigitsSplit {
  pool: Int32Array;
  test: Int32Array;
  labelled: Int32Array;
  unlabelled: Int32Array;
}

export function loadDigits(dir = datasetPath('digits')): Digits {
  const file = join(dir, 'digits.csv.gz');
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l.trim() !== '');
  const X = new Float32Array(lines.length * 64), y = new Int32Array(lines.length);
  lines.forEach((line, r) => {
    const v = line.split(',').map(Number);
    if (v.length !== 65 || v.some((x) => !Number.isInteger(x) || x < 0 || x > 16) || v[64]! > 9) {
      throw new Error(`${file}:${r + 1}: expected 64 pixels in 0..16 and a class 0..9, got '${line.slice(0, 60)}'`);
    }
    for (let j = 0; j < 64; j++) X[r * 64 + j] = v[j]! / 16;
    y[r] = v[64]!;
  });
  return { X: new Tensor('float32', [lines.length, 64], X), y: new Tensor('int32', [lines.length], y) };
}

export function digitsSplit(dir = datasetPath('digits')): DigitsSplit {
  const s = JSON.parse(readFileSync(join(dir, 'split-seed0.json'), 'utf8')) as Record<string, number[]>;
  const part = (k: string): Int32Array => {
    if (!Array.isArray(s[k])) throw new Error(`${join(dir, 'split-seed0.json')}: missing index list '${k}'`);
    return Int32Array.from(s[k]!);
  };
  return { pool: part('pool'), test: part('test'), labelled: part('labelled'), unlabelled: part('unlabelled') };
}
