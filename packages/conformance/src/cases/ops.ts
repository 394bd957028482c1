// One or more cases per primitive: shapes include broadcasting, a symbolic batch dim,
// repeated indices and non-last axes.
import * as op from '@repkit/core';
import { Tensor, type GraphBuilder, type Philox, type Value } from '@repkit/core';
import type { Case } from '../case.ts';
import { awayFromZero, ints, uniform } from './inputs.ts';

const f32 = (b: GraphBuilder, name: string, shape: readonly (number | string)[]): Value => b.data(name, 'float32', shape);

function binary(name: string, f: (a: Value, b: Value) => Value, sa: number[], sb: number[], bGen = uniform): Case {
  return {
    name: `${name}/[${sa}]x[${sb}]`, kind: 'elementwise', grad: ['a', 'b'],
    build: (b) => ({ y: f(f32(b, 'a', sa), f32(b, 'b', sb)) }),
    feeds: (rng) => ({ a: uniform(rng, sa), b: bGen(rng, sb) }),
  };
}

function unary(name: string, f: (x: Value) => Value, kind: Case['kind'], gen: (rng: Philox, s: number[]) => Tensor, grad = true): Case {
  const s = [3, 5];
  return {
    name: `${name}/[${s}]`, kind, grad: grad ? ['x'] : undefined,
    build: (b) => ({ y: f(f32(b, 'x', s)) }),
    feeds: (rng) => ({ x: gen(rng, s) }),
  };
}

/** |a − b| per output element, for b broadcast over a's leading dims. */
const gap = (a: Tensor, b: Tensor): Float64Array => Float64Array.from(a.data, (v, i) => Math.abs(v - b.data[i % b.size]!));

export const opCases: Case[] = [
  binary('add', op.add, [2, 3, 4], [3, 1]),
  binary('sub', op.sub, [4, 1], [2, 1, 3]),
  binary('mul', op.mul, [3, 4], [4]),
  binary('div', op.div, [2, 3], [2, 1], (r, s) => awayFromZero(r, s, 0.5)),
  binary('maximum', op.maximum, [3, 4], [3, 4]),
  {
    name: 'greater/[3,4]x[4]', kind: 'discrete',
    build: (b) => ({ y: op.greater(f32(b, 'a', [3, 4]), f32(b, 'b', [4])) }),
    feeds: (rng) => ({ a: uniform(rng, [3, 4]), b: uniform(rng, [4]) }),
    margins: { y: (f) => gap(f.a!, f.b!) },
  },
  {
    name: 'equal/int32', kind: 'discrete',
    build: (b) => ({ y: op.equal(b.data('a', 'int32', [12]), b.data('b', 'int32', [12])) }),
    feeds: (rng) => ({ a: ints(rng, [12], 0, 3), b: ints(rng, [12], 0, 3) }),
  },
  unary('neg', op.neg, 'elementwise', uniform),
  unary('exp', op.exp, 'transcendental', (r, s) => uniform(r, s, -3, 3)),
  unary('log', op.log, 'transcendental', (r, s) => uniform(r, s, 0.1, 5)),
  unary('sqrt', op.sqrt, 'transcendental', (r, s) => uniform(r, s, 0.1, 5)),
  unary('abs', op.abs, 'elementwise', (r, s) => awayFromZero(r, s)),
  unary('sign', (x) => op.mul(op.sign(x), x), 'elementwise', (r, s) => awayFromZero(r, s)),
  unary('relu', op.relu, 'elementwise', (r, s) => awayFromZero(r, s)),
  {
    name: 'cast/float32->int32->float32', kind: 'elementwise',
    build: (b) => ({ y: op.cast(op.cast(f32(b, 'x', [10]), 'int32'), 'float32') }),
    feeds: (rng) => ({ x: uniform(rng, [10], -5, 5) }),
  },
  {
    name: 'where/bool-branches', kind: 'discrete',
    build: (b) => ({ y: op.where(op.greater(f32(b, 'c', [3, 1]), 0), op.greater(f32(b, 'a', [4]), 0), op.greater(f32(b, 'b', [3, 4]), 0)) }),
    feeds: (rng) => ({ c: awayFromZero(rng, [3, 1]), a: awayFromZero(rng, [4]), b: awayFromZero(rng, [3, 4]) }),
  },
  {
    name: 'where/broadcast', kind: 'elementwise', grad: ['a', 'b'],
    build: (b) => ({ y: op.where(op.greater(f32(b, 'c', [3, 1]), 0), f32(b, 'a', [3, 4]), f32(b, 'b', [4])) }),
    feeds: (rng) => ({ c: awayFromZero(rng, [3, 1]), a: uniform(rng, [3, 4]), b: uniform(rng, [4]) }),
  },
  ...(['sum', 'mean', 'max'] as const).flatMap((r) => [
    {
      name: `reduce${r}/axes=[1,2],keep`, kind: 'reduction' as const, grad: ['x'],
      build: (b: GraphBuilder) => ({ y: op[r](f32(b, 'x', [3, 4, 5]), [1, 2], true) }),
      feeds: (rng: Philox) => ({ x: uniform(rng, [3, 4, 5]) }),
    },
    {
      name: `reduce${r}/batch,axes=[0]`, kind: 'reduction' as const, grad: ['x'],
      build: (b: GraphBuilder) => ({ y: op[r](f32(b, 'x', ['batch', 6]), 0) }),
      feeds: (rng: Philox) => ({ x: uniform(rng, [7, 6]) }),
    },
  ]),
  {
    name: 'matmul/[2,1,3,8]x[3,8,5]', kind: 'matmul', grad: ['a', 'b'],
    build: (b) => ({ y: op.matmul(f32(b, 'a', [2, 1, 3, 8]), f32(b, 'b', [3, 8, 5])) }),
    feeds: (rng) => ({ a: uniform(rng, [2, 1, 3, 8]), b: uniform(rng, [3, 8, 5]) }),
  },
  {
    name: 'matmul/batch x [64,32]', kind: 'matmul', grad: ['a', 'b'],
    build: (b) => ({ y: op.matmul(f32(b, 'a', ['batch', 64]), f32(b, 'b', [64, 32])) }),
    feeds: (rng) => ({ a: uniform(rng, [9, 64]), b: uniform(rng, [64, 32]) }),
  },
  {
    name: 'transpose/perm=[2,0,1]', kind: 'elementwise', grad: ['x'],
    build: (b) => ({ y: op.transpose(f32(b, 'x', [2, 3, 4]), [2, 0, 1]) }),
    feeds: (rng) => ({ x: uniform(rng, [2, 3, 4]) }),
  },
  {
    name: 'reshape/batch', kind: 'elementwise', grad: ['x'],
    build: (b) => ({ y: op.reshape(f32(b, 'x', ['batch', 2, 3]), ['batch', 6]) }),
    feeds: (rng) => ({ x: uniform(rng, [4, 2, 3]) }),
  },
  {
    name: 'expand/[3,1]->[2,3,4]', kind: 'elementwise', grad: ['x'],
    build: (b) => ({ y: op.expand(f32(b, 'x', [3, 1]), [2, 3, 4]) }),
    feeds: (rng) => ({ x: uniform(rng, [3, 1]) }),
  },
  {
    name: 'gather/repeated', kind: 'elementwise', grad: ['table'],
    build: (b) => ({ y: op.gather(f32(b, 'table', [6, 4]), b.data('idx', 'int32', [2, 5])) }),
    feeds: (rng) => ({ table: uniform(rng, [6, 4]), idx: new Tensor('int32', [2, 5], Int32Array.from([1, 5, 1, 0, 1, 2, 5, 5, 3, 1])) }),
  },
  {
    name: 'scatterAdd/repeated', kind: 'reduction', grad: ['upd'],
    build: (b) => ({ y: op.scatterAdd(b.data('idx', 'int32', [7]), f32(b, 'upd', [7, 3]), 5) }),
    feeds: (rng) => ({ idx: new Tensor('int32', [7], Int32Array.from([4, 0, 4, 4, 2, 0, 1])), upd: uniform(rng, [7, 3]) }),
  },
  {
    name: 'oneHot/depth=6', kind: 'elementwise',
    build: (b) => ({ y: op.oneHot(b.data('idx', 'int32', [2, 4]), 6) }),
    feeds: (rng) => ({ idx: ints(rng, [2, 4], 0, 6) }),
  },
  {
    name: 'logSoftmax/axis=-1', kind: 'transcendental', grad: ['x'],
    build: (b) => ({ y: op.logSoftmax(f32(b, 'x', ['batch', 10])) }),
    feeds: (rng) => ({ x: uniform(rng, [5, 10], -4, 4) }),
  },
  {
    name: 'logSoftmax/axis=1', kind: 'transcendental', grad: ['x'],
    build: (b) => ({ y: op.logSoftmax(f32(b, 'x', [2, 5, 3]), 1) }),
    feeds: (rng) => ({ x: uniform(rng, [2, 5, 3], -4, 4) }),
  },
  ...[-1, 0].map((axis): Case => ({
    name: `argmax/axis=${axis}`, kind: 'discrete',
    build: (b) => ({ y: op.argmax(f32(b, 'x', [6, 7]), axis) }),
    feeds: (rng) => ({ x: uniform(rng, [6, 7]) }),
    margins: { y: (f) => topTwoGap(f.x!, axis) },
  })),
];

/** Gap between the largest and second-largest entry along an axis of a [rows, cols] tensor. */
function topTwoGap(x: Tensor, axis: number): Float64Array {
  const [R, C] = x.shape as [number, number];
  const lines = axis === 0 ? C : R, len = axis === 0 ? R : C;
  const out = new Float64Array(lines);
  for (let l = 0; l < lines; l++) {
    let a = -Infinity, b = -Infinity;
    for (let k = 0; k < len; k++) {
      const v = x.data[axis === 0 ? k * C + l : l * C + k]!;
      if (v > a) { b = a; a = v; } else if (v > b) b = v;
    }
    out[l] = a - b;
  }
  return out;
}
