// Data for the classical methods: digits as scikit-learn ships them (raw 0..16), and Gaussian blobs.
import { Philox, Tensor } from '@repkit/core';
import { loadDigits } from '@repkit/data';

/** The 1797 digits with raw pixel values 0..16 (float64), as sklearn's load_digits: the scale the targets use. */
export function rawDigits(): { X: Tensor; y: Tensor } {
  const { X, y } = loadDigits();
  return { X: new Tensor('float64', X.shape, Float64Array.from(X.data, (v) => v * 16)), y };
}

export interface BlobsOptions {
  /** Rows per centre (default 100). */
  perCentre?: number;
  /** Standard deviation around each centre (default 1). */
  std?: number;
  /** Seed of the Philox stream (default 0). */
  seed?: number;
}

/** Isotropic Gaussian blobs around the given centres (rows); y is the centre index. */
export function blobs(centres: readonly (readonly number[])[], { perCentre = 100, std = 1, seed = 0 }: BlobsOptions = {}): { X: Tensor; y: Tensor } {
  const rng = new Philox(seed), d = centres[0]!.length, k = centres.length;
  const X = new Float64Array(k * perCentre * d), y = new Int32Array(k * perCentre);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < perCentre; i++) {
      const z = rng.normals(d, 0, std);
      for (let j = 0; j < d; j++) X[(c * perCentre + i) * d + j] = centres[c]![j]! + z[j]!;
      y[c * perCentre + i] = c;
    }
  }
  return { X: new Tensor('float64', [k * perCentre, d], X), y: new Tensor('int32', [k * perCentre], y) };
}

/** k random centres uniform in [−box, box]^d, then blobs around them (sklearn's make_blobs layout). */
export function randomBlobs(n: number, d: number, k: number, { std = 1, seed = 0, box = 10 }: { std?: number; seed?: number; box?: number } = {}): { X: Tensor; y: Tensor } {
  const rng = new Philox(seed, 1);
  const centres = Array.from({ length: k }, () => Array.from(rng.uniforms(d, -box, box)));
  const per = Math.ceil(n / k);
  const { X, y } = blobs(centres, { perCentre: per, std, seed });
  return { X: new Tensor('float64', [n, d], X.data.slice(0, n * d) as Float64Array), y: new Tensor('int32', [n], y.data.slice(0, n) as Int32Array) };
}
