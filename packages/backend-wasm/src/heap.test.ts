// Unit-step slices and row gathers copied within the wasm heap (heap.ts) against the reference: runs along
// every axis, each dtype, repeated and multi-dimensional indices, and the source freed while the copy lives on.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Philox, gather, getBackend, neg, slice, trace, type DType } from '@repkit/core';
import { bools, expectExact, ints, runBoth, uniform } from './testing.ts';

const rng = new Philox(31);

const cases: { what: string; starts: number[]; ends: number[]; axes: number[] }[] = [
  { what: 'leading rows (one run)', starts: [1], ends: [3], axes: [0] },
  { what: 'a middle axis (a run per row)', starts: [1], ends: [3], axes: [1] },
  { what: 'the last axis', starts: [2], ends: [4], axes: [2] },
  { what: 'every axis', starts: [1, 0, 1], ends: [4, 2, 5], axes: [0, 1, 2] },
  { what: 'one element', starts: [3, 2, 4], ends: [4, 3, 5], axes: [0, 1, 2] },
  { what: 'the whole tensor', starts: [0], ends: [4], axes: [0] },
];

describe('unit-step slice', () => {
  for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
    for (const c of cases) {
      it(`${c.what}, ${dtype}`, async () => {
        const g = trace('slice', (b) => ({ out: slice(b.data('x', dtype, [4, 3, 5]), c.starts, c.ends, c.axes) }));
        const x = dtype === 'float32' ? uniform(rng, [4, 3, 5]) : dtype === 'int32' ? ints(rng, [4, 3, 5], -99, 99) : bools(rng, [4, 3, 5]);
        const { got, want } = await runBoth(g, { x });
        expectExact(g, got, want);
      });
    }
  }

  it('keeps its values after the sliced intermediate is freed, leaking nothing', async () => {
    const g = trace('slices', (b) => {
      const x = neg(b.data('x', 'float32', [85, 4]));
      return { a: slice(x, [0], [16]), b: slice(x, [16], [80]), c: slice(x, [80], [85]) };
    });
    const exe = await (await getBackend('wasm')).compile(g);
    const x = uniform(rng, [85, 4]);
    await exe.run({ x });
    const before = tf.memory().numDataBuffers;
    const got = await exe.run({ x });
    expect(tf.memory().numDataBuffers).toBe(before);
    exe.dispose();
    const flat = Array.from(x.data, (v) => -v);
    expect([...got.a!.data, ...got.b!.data, ...got.c!.data]).toEqual(flat);
  });
});

describe('row gather', () => {
  for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
    it(`repeated rows, [2, 3] indices, ${dtype}`, async () => {
      const g = trace('gather', (b) => ({ out: gather(b.data('x', dtype, [5, 2, 3]), b.data('i', 'int32', [2, 3])) }));
      const x = dtype === 'float32' ? uniform(rng, [5, 2, 3]) : dtype === 'int32' ? ints(rng, [5, 2, 3], -99, 99) : bools(rng, [5, 2, 3]);
      const i = ints(rng, [2, 3], 0, 5);
      i.data.set([4, 0, 4, 2, 2, 1]);
      const { got, want } = await runBoth(g, { x, i });
      expectExact(g, got, want);
    });
  }

  it('stays right when its output grows the heap (views taken before would be detached)', async () => {
    const rows = 2048, width = 4096; // 32 MiB out: more than the heap holds free at this point
    const g = trace('big', (b) => ({ out: gather(b.data('x', 'float32', [4, width]), b.data('i', 'int32', [rows])) }));
    const x = uniform(rng, [4, width]), i = ints(rng, [rows], 0, 4);
    const exe = await (await getBackend('wasm')).compile(g);
    const out = (await exe.run({ x, i })).out!;
    exe.dispose();
    for (const r of [0, 1, rows - 1]) expect(Array.from(out.data.subarray(r * width, r * width + 3))).toEqual(Array.from(x.data.subarray(i.data[r]! * width, i.data[r]! * width + 3)));
  });
});
