// Seeded float32 / int32 inputs for cases.
import { Tensor, type Philox } from '@repkit/core';

const size = (s: readonly number[]): number => s.reduce((p, q) => p * q, 1);

export function uniform(rng: Philox, shape: readonly number[], lo = -1, hi = 1): Tensor {
  return new Tensor('float32', shape, Float32Array.from(rng.uniforms(size(shape), lo, hi)));
}

/** ±U(lo, hi): away from zero, for kinks and divisions. */
export function awayFromZero(rng: Philox, shape: readonly number[], lo = 0.2, hi = 1.5): Tensor {
  const t = uniform(rng, shape, lo, hi);
  for (let i = 0; i < t.size; i++) if (rng.uniform() < 0.5) t.data[i] = -t.data[i]!;
  return t;
}

export function ints(rng: Philox, shape: readonly number[], lo: number, hi: number): Tensor {
  return new Tensor('int32', shape, rng.integers(size(shape), lo, hi));
}
