// Cases for the elementwise, reduction and normalisation primitives of Foundation 2: pow, minimum,
// less, the activations, clip, reduceMin, logsumexp, argmin and softmax (int32 where a quirk lives).
import * as op from '@repkit/core';
import { Tensor, type GraphBuilder, type Philox, type Value } from '@repkit/core';
import type { Case } from '../case.ts';
import { awayFromZero, ints, uniform } from './inputs.ts';

const f32 = (b: GraphBuilder, name: string, shape: readonly (number | string)[]): Value => b.data(name, 'float32', shape);

function unary(name: string, f: (x: Value) => Value, kind: Case['kind'], gen: (rng: Philox, s: number[]) => Tensor, s = [4, 6]): Case {
  return {
    name: `${name}/[${s}]`, kind, grad: ['x'],
    build: (b) => ({ y: f(f32(b, 'x', s)) }),
    feeds: (rng) => ({ x: gen(rng, s) }),
  };
}

/** Entries within 0.02 of a bound moved off it: a clip kink under float32 rounding is not a conformance question. */
function offBounds(t: Tensor, bounds: readonly number[]): Tensor {
  for (let i = 0; i < t.size; i++) for (const v of bounds) if (Math.abs(t.data[i]! - v) < 0.02) t.data[i] = v + 0.05;
  return t;
}

/** Per line along `axis` of x, the gap between its smallest (largest) entry and the runner-up. */
export function extremeGap(x: Tensor, axis: number, largest: boolean): Float64Array {
  const n = x.shape[axis]!, inner = x.shape.slice(axis + 1).reduce((p, q) => p * q, 1), outer = x.size / (n * inner);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const line = Array.from({ length: n }, (_, k) => x.data[(o * n + k) * inner + i]!).sort((p, q) => (largest ? q - p : p - q));
    out[o * inner + i] = Math.abs(line[0]! - line[1]!);
  }
  return out;
}

export const elementwiseCases: Case[] = [
  {
    // y = x·(x + sg(x)): the gradient is 3x; a barrier that leaked would give 4x.
    name: 'stopGradient/[4,6]', kind: 'elementwise', grad: ['x'],
    build: (b) => { const x = f32(b, 'x', [4, 6]); return { y: op.mul(x, op.add(x, op.stopGradient(x))) }; },
    feeds: (rng) => ({ x: uniform(rng, [4, 6], -2, 2) }),
  },
  {
    name: 'pow/[3,4]x[4]', kind: 'transcendental', grad: ['a', 'b'],
    build: (b) => ({ y: op.pow(f32(b, 'a', [3, 4]), f32(b, 'b', [4])) }),
    feeds: (rng) => ({ a: uniform(rng, [3, 4], 0.2, 2), b: uniform(rng, [4], -2, 3) }),
  },
  {
    name: 'pow/negative-base,integer-exponents', kind: 'transcendental', grad: ['a'],
    build: (b) => ({ y: op.pow(f32(b, 'a', [3, 4]), f32(b, 'e', [4])) }),
    feeds: (rng) => ({ a: awayFromZero(rng, [3, 4], 0.3, 2), e: new Tensor('float32', [4], Float32Array.from([2, 3, -1, 0])) }),
  },
  {
    name: 'minimum/[3,4]x[3,1]', kind: 'elementwise', grad: ['a', 'b'],
    build: (b) => ({ y: op.minimum(f32(b, 'a', [3, 4]), f32(b, 'b', [3, 1])) }),
    feeds: (rng) => ({ a: uniform(rng, [3, 4]), b: uniform(rng, [3, 1]) }),
  },
  {
    name: 'less/[3,4]x[4]', kind: 'discrete',
    build: (b) => ({ y: op.less(f32(b, 'a', [3, 4]), f32(b, 'b', [4])) }),
    feeds: (rng) => ({ a: uniform(rng, [3, 4]), b: uniform(rng, [4]) }),
    margins: { y: (f) => Float64Array.from(f.a!.data, (v, i) => Math.abs(v - f.b!.data[i % 4]!)) },
  },
  {
    name: 'less/int32', kind: 'discrete',
    build: (b) => ({ y: op.less(b.data('a', 'int32', [12]), b.data('b', 'int32', [12])) }),
    feeds: (rng) => ({ a: ints(rng, [12], -3, 3), b: ints(rng, [12], -3, 3) }),
  },
  // onnxruntime's Sigmoid (MLAS) is accurate to ~6e-8 absolute, not relative (σ(−15) comes back 17% high),
  // so the range stays where that is within tolerance; log σ(x) is better written −softplus(−x).
  unary('sigmoid', op.sigmoid, 'transcendental', (r, s) => uniform(r, s, -4, 4)),
  // The VJP g·(1 − y²) cancels as |x| grows; past |x| ≈ 3 a float32 tanh's last ulp shows in it on onnxruntime.
  unary('tanh', op.tanh, 'transcendental', (r, s) => uniform(r, s, -3, 3)),
  // Its VJP is σ(x), accurate on onnxruntime to ~6e-8 absolute only (see sigmoid): |x| ≤ 6 keeps that in tolerance.
  unary('softplus', op.softplus, 'transcendental', (r, s) => uniform(r, s, -6, 6)),
  unary('softplus/large', op.softplus, 'transcendental', (r, s) => uniform(r, s, -120, 120)),
  unary('erf', op.erf, 'transcendental', (r, s) => uniform(r, s, -3, 3)),
  unary('clip/[-0.5,0.7]', (x) => op.clip(x, -0.5, 0.7), 'elementwise', (r, s) => offBounds(uniform(r, s, -1.5, 1.5), [-0.5, 0.7])),
  unary('clip/upper-only', (x) => op.clip(x, -Infinity, 0.25), 'elementwise', (r, s) => offBounds(uniform(r, s, -1, 1), [0.25])),
  {
    // tfjs-wasm's ClipByValue returns float bit patterns for int32 inputs.
    name: 'clip/int32', kind: 'discrete',
    build: (b) => ({ y: op.clip(b.data('x', 'int32', [16]), -3, 4) }),
    feeds: (rng) => ({ x: ints(rng, [16], -10, 10) }),
  },
  {
    name: 'reducemin/axes=[1,2],keep', kind: 'reduction', grad: ['x'],
    build: (b) => ({ y: op.min(f32(b, 'x', [3, 4, 5]), [1, 2], true) }),
    feeds: (rng) => ({ x: uniform(rng, [3, 4, 5]) }),
  },
  {
    name: 'reducemin/batch,axes=[0]', kind: 'reduction', grad: ['x'],
    build: (b) => ({ y: op.min(f32(b, 'x', ['batch', 6]), 0) }),
    feeds: (rng) => ({ x: uniform(rng, [7, 6]) }),
  },
  {
    name: 'reducemin/int32', kind: 'discrete',
    build: (b) => ({ y: op.min(b.data('x', 'int32', [4, 5]), 1) }),
    feeds: (rng) => ({ x: ints(rng, [4, 5], -100, 100) }),
  },
  {
    name: 'logsumexp/axis=-1,batch', kind: 'transcendental', grad: ['x'],
    build: (b) => ({ y: op.logsumexp(f32(b, 'x', ['batch', 10]), -1) }),
    feeds: (rng) => ({ x: uniform(rng, [5, 10], -4, 4) }),
  },
  {
    name: 'logsumexp/axes=[0,2],keep', kind: 'transcendental', grad: ['x'],
    build: (b) => ({ y: op.logsumexp(f32(b, 'x', [3, 4, 5]), [0, 2], true) }),
    feeds: (rng) => ({ x: uniform(rng, [3, 4, 5], -2, 2) }),
  },
  {
    // exp(x) overflows float32 above 88.7: only the max-shifted form stays finite.
    name: 'logsumexp/large-logits', kind: 'transcendental', grad: ['x'],
    build: (b) => ({ y: op.logsumexp(f32(b, 'x', [4, 6]), 1) }),
    feeds: (rng) => ({ x: uniform(rng, [4, 6], 90, 110) }),
  },
  ...[-1, 0].map((axis): Case => ({
    name: `argmin/axis=${axis}`, kind: 'discrete',
    build: (b) => ({ y: op.argmin(f32(b, 'x', [6, 7]), axis) }),
    feeds: (rng) => ({ x: uniform(rng, [6, 7]) }),
    margins: { y: (f) => extremeGap(f.x!, axis === -1 ? 1 : 0, false) },
  })),
  {
    name: 'softmax/axis=-1,batch', kind: 'transcendental', grad: ['x'],
    build: (b) => ({ y: op.softmax(f32(b, 'x', ['batch', 10])) }),
    feeds: (rng) => ({ x: uniform(rng, [5, 10], -4, 4) }),
  },
  {
    // Logits past 88.7 overflow exp in float32 without the max shift; a spread of 4 keeps the gradient's
    // g − Σg·y from cancelling, which a peaked softmax does in float32 on every engine.
    name: 'softmax/axis=1,large', kind: 'transcendental', grad: ['x'],
    build: (b) => ({ y: op.softmax(f32(b, 'x', [2, 5, 3]), 1) }),
    feeds: (rng) => ({ x: uniform(rng, [2, 5, 3], 88, 92) }),
  },
];
