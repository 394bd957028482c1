// Test helpers shared by this package's tests: seeded inputs, running a graph on wasm and on the
// float64 reference, and comparisons with a declared tolerance.
import { expect } from 'vitest';
import { Philox, Tensor, getBackend, interpret, type Feeds, type Graph, type Results } from '@repkit/core';
import './index.ts';

export { withGemm } from './gemm.ts';

/** Uniform floats in [lo, hi), float32-representable so both backends see the same numbers. */
export function uniform(rng: Philox, shape: readonly number[], lo = -1, hi = 1, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const n = shape.reduce((p, q) => p * q, 1);
  const f32 = Float32Array.from(rng.uniforms(n, lo, hi));
  return new Tensor(dtype, shape, dtype === 'float32' ? f32 : Float64Array.from(f32));
}

/** Uniform int32 values in [lo, hi). */
export function ints(rng: Philox, shape: readonly number[], lo: number, hi: number): Tensor {
  return new Tensor('int32', shape, rng.integers(shape.reduce((p, q) => p * q, 1), lo, hi));
}

/** Integers in [lo, hi) stored as float32: exact ties for comparisons, argmax and max. */
export function intFloats(rng: Philox, shape: readonly number[], lo: number, hi: number): Tensor {
  return new Tensor('float32', shape, Float32Array.from(ints(rng, shape, lo, hi).data));
}

export function bools(rng: Philox, shape: readonly number[]): Tensor {
  return new Tensor('bool', shape, Uint8Array.from(ints(rng, shape, 0, 2).data));
}

/** Run `graph` on the shared wasm backend and on the reference interpreter. */
export async function runBoth(graph: Graph, feeds: Feeds): Promise<{ got: Results; want: Results }> {
  const exe = await (await getBackend('wasm')).compile(graph);
  try {
    return { got: await exe.run(feeds), want: interpret(graph, feeds) };
  } finally {
    exe.dispose();
  }
}

export interface Tolerance {
  /** Relative tolerance (default 1e-5). */
  rtol?: number;
  /** Absolute floor (default 1e-6). */
  atol?: number;
}

/** Largest |got − want| / (atol + rtol·|want|) over the elements: ≤ 1 passes. NaNs must match. */
export function errorRatio(got: Tensor, want: Tensor, { rtol = 1e-5, atol = 1e-6 }: Tolerance = {}): number {
  let worst = 0;
  for (let i = 0; i < want.size; i++) {
    const g = got.data[i]!, w = want.data[i]!;
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (Number.isNaN(w) !== Number.isNaN(g)) return Infinity;
      continue;
    }
    if (g === w) continue;
    worst = Math.max(worst, Math.abs(g - w) / (atol + rtol * Math.abs(w)));
  }
  return worst;
}

/** Expect float outputs within tolerance, with the graph's declared dtype and the reference's shape. */
export function expectClose(graph: Graph, got: Results, want: Results, tol: Tolerance = {}): void {
  for (const o of graph.outputs) {
    const g = got[o.name]!, w = want[o.name]!;
    expect(g.dtype, o.name).toBe(o.value.dtype);
    expect(g.shape, o.name).toEqual(w.shape);
    expect(errorRatio(g, w, tol), `${o.name}: error / tolerance`).toBeLessThanOrEqual(1);
  }
}

/** Expect discrete outputs (int32, bool, exact floats) to equal the reference's. */
export function expectExact(graph: Graph, got: Results, want: Results): void {
  for (const o of graph.outputs) {
    const g = got[o.name]!, w = want[o.name]!;
    expect(g.dtype, o.name).toBe(o.value.dtype);
    expect(g.shape, o.name).toEqual(w.shape);
    expect(g.toArray(), o.name).toEqual(w.toArray());
  }
}
