// Cases for the shape primitives (concat, slice, squeeze, unsqueeze, pad) and topk: unit and
// non-unit steps, reversal, int32 data where wasm's StridedSlice mislabels it, a symbolic batch.
import * as op from '@repkit/core';
import { Tensor, type GraphBuilder, type Value } from '@repkit/core';
import type { Case } from '../case.ts';
import { ints, uniform } from './inputs.ts';

const f32 = (b: GraphBuilder, name: string, shape: readonly (number | string)[]): Value => b.data(name, 'float32', shape);

/**
 * For topk's indices: per selected position j of each line, the smaller gap to its neighbours j − 1
 * and j + 1 in the line's sorted order (a near-tie there may swap two indices).
 */
function topkMargins(x: Tensor, k: number, axis: number, largest: boolean): Float64Array {
  const n = x.shape[axis]!, inner = x.shape.slice(axis + 1).reduce((p, q) => p * q, 1), outer = x.size / (n * inner);
  const out = new Float64Array(outer * k * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const line = Array.from({ length: n }, (_, j) => x.data[(o * n + j) * inner + i]!).sort((p, q) => (largest ? q - p : p - q));
    for (let j = 0; j < k; j++) {
      const gaps = [j > 0 ? Math.abs(line[j]! - line[j - 1]!) : Infinity, j + 1 < n ? Math.abs(line[j]! - line[j + 1]!) : Infinity];
      out[(o * k + j) * inner + i] = Math.min(...gaps);
    }
  }
  return out;
}

function topkCase(name: string, shape: (number | string)[], feed: number[], k: number, axis: number, largest: boolean): Case {
  const norm = axis < 0 ? axis + shape.length : axis;
  return {
    name: `topk/${name}`, kind: 'elementwise', grad: ['x'],
    build: (b) => op.topk(f32(b, 'x', shape), k, { axis, largest }) as unknown as Record<string, Value>,
    feeds: (rng) => ({ x: uniform(rng, feed) }),
    margins: { indices: (f) => topkMargins(f.x!, k, norm, largest) },
  };
}

export const shapeCases: Case[] = [
  {
    name: 'concat/axis=1,three', kind: 'elementwise', grad: ['a', 'b', 'c'],
    build: (b) => ({ y: op.concat([f32(b, 'a', [2, 3, 4]), f32(b, 'b', [2, 1, 4]), f32(b, 'c', [2, 2, 4])], 1) }),
    feeds: (rng) => ({ a: uniform(rng, [2, 3, 4]), b: uniform(rng, [2, 1, 4]), c: uniform(rng, [2, 2, 4]) }),
  },
  {
    name: 'concat/batch,int32,last-axis', kind: 'discrete',
    build: (b) => ({ y: op.concat([b.data('a', 'int32', ['batch', 2]), b.data('b', 'int32', ['batch', 3])], -1) }),
    feeds: (rng) => ({ a: ints(rng, [4, 2], -50, 50), b: ints(rng, [4, 3], -50, 50) }),
  },
  {
    name: 'slice/unit-steps,negative-indices', kind: 'elementwise', grad: ['x'],
    build: (b) => ({ y: op.slice(f32(b, 'x', [5, 6, 4]), [1, -4], [4, -1], [0, 1]) }),
    feeds: (rng) => ({ x: uniform(rng, [5, 6, 4]) }),
  },
  {
    name: 'slice/steps=[2,3]', kind: 'elementwise', grad: ['x'],
    build: (b) => ({ y: op.slice(f32(b, 'x', [7, 8]), [1, 0], [7, 8], [0, 1], [2, 3]) }),
    feeds: (rng) => ({ x: uniform(rng, [7, 8]) }),
  },
  {
    name: 'slice/reversed,step=-2', kind: 'elementwise', grad: ['x'],
    build: (b) => ({ y: op.slice(f32(b, 'x', ['batch', 9]), [-1], [-Infinity], [1], [-2]) }),
    feeds: (rng) => ({ x: uniform(rng, [3, 9]) }),
  },
  {
    // wasm's StridedSlice labels int32 results float32 and returns their bit patterns.
    name: 'slice/int32,steps', kind: 'discrete',
    build: (b) => ({ y: op.slice(b.data('x', 'int32', [6, 7]), [0, 6], [6, 0], [0, 1], [2, -3]) }),
    feeds: (rng) => ({ x: ints(rng, [6, 7], -1000, 1000) }),
  },
  {
    name: 'squeeze/axes=[1,3]', kind: 'elementwise', grad: ['x'],
    build: (b) => ({ y: op.squeeze(f32(b, 'x', ['batch', 1, 5, 1])) }),
    feeds: (rng) => ({ x: uniform(rng, [3, 1, 5, 1]) }),
  },
  {
    name: 'unsqueeze/axes=[0,-1]', kind: 'elementwise', grad: ['x'],
    build: (b) => ({ y: op.unsqueeze(f32(b, 'x', [3, 4]), [0, -1]) }),
    feeds: (rng) => ({ x: uniform(rng, [3, 4]) }),
  },
  {
    name: 'pad/value=0.5', kind: 'elementwise', grad: ['x'],
    build: (b) => ({ y: op.pad(f32(b, 'x', [2, 3, 4]), [[0, 0], [1, 2], [3, 0]], 0.5) }),
    feeds: (rng) => ({ x: uniform(rng, [2, 3, 4]) }),
  },
  {
    name: 'pad/int32,batch', kind: 'discrete',
    build: (b) => ({ y: op.pad(b.data('x', 'int32', ['batch', 3]), [[0, 0], [2, 1]], -7) }),
    feeds: (rng) => ({ x: ints(rng, [4, 3], -9, 9) }),
  },
  topkCase('k=3,axis=-1', [4, 10], [4, 10], 3, -1, true),
  topkCase('k=2,axis=0,smallest', [6, 5], [6, 5], 2, 0, false),
  topkCase('k=4,axis=1,3d', [2, 7, 3], [2, 7, 3], 4, 1, true),
  topkCase('k=2,batch', ['batch', 8], [5, 8], 2, -1, true),
];
