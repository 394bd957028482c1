// Seeded test inputs drawn from the Philox generator.
import { Tensor, sizeOf, type DType } from '../tensor.ts';
import type { Philox } from '../rng/philox.ts';

export function randomTensor(rng: Philox, shape: readonly number[], lo = -1, hi = 1, dtype: DType = 'float64'): Tensor {
  const v = rng.uniforms(sizeOf(shape), lo, hi);
  return new Tensor('float64', shape, v).cast(dtype);
}

/** Values in ±[lo, hi]: bounded away from zero (for abs, div, relu kinks). */
export function awayFromZero(rng: Philox, shape: readonly number[], lo = 0.2, hi = 1.5): Tensor {
  const t = randomTensor(rng, shape, lo, hi);
  for (let i = 0; i < t.size; i++) if (rng.uniform() < 0.5) t.data[i] = -t.data[i]!;
  return t;
}

export function randomInts(rng: Philox, shape: readonly number[], lo: number, hi: number): Tensor {
  return new Tensor('int32', shape, rng.integers(sizeOf(shape), lo, hi));
}

/** A random shape of rank 1..maxRank with dims 1..maxDim. */
export function randomShape(rng: Philox, maxRank = 3, maxDim = 4): number[] {
  const r = rng.integer(1, maxRank + 1);
  return Array.from({ length: r }, () => rng.integer(1, maxDim + 1));
}

/** A shape that broadcasts to `shape`: some leading dims dropped, some dims set to 1. */
export function broadcastPartner(rng: Philox, shape: readonly number[]): number[] {
  const drop = rng.integer(0, shape.length);
  return shape.slice(drop).map((d) => (rng.uniform() < 0.4 ? 1 : d));
}
