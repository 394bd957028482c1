import { describe, expect, it } from 'vitest';
import '../ops/index.ts';
import * as op from '../ops/api.ts';
import { Philox } from '../rng/philox.ts';
import { Tensor } from '../tensor.ts';
import { randomTensor } from '../testing/random.ts';
import { trace, type GraphBuilder, type Value } from '../ir/graph.ts';
import { interpret } from '../backend/reference.ts';
import { grad } from './grad.ts';
import { check, f64 } from '../testing/expect-grad.ts';

const rng = new Philox(2026);



interface ConvCase {
  name: string;
  x: number[];
  w: number[];
  opts: op.Conv2dTransposeOptions;
}

const convs: ConvCase[] = [
  { name: 'plain 3×3', x: [2, 3, 5, 6], w: [4, 3, 3, 3], opts: {} },
  { name: 'stride 2, padding 1 (a remainder row)', x: [1, 2, 6, 5], w: [3, 2, 3, 2], opts: { stride: 2, padding: 1 } },
  { name: 'dilation 2, asymmetric padding', x: [1, 2, 7, 7], w: [2, 2, 2, 3], opts: { dilation: 2, padding: [1, 0, 2, 1] } },
  { name: 'groups 2, stride [2, 1], dilation [1, 2]', x: [2, 4, 6, 7], w: [6, 2, 3, 2], opts: { groups: 2, stride: [2, 1], dilation: [1, 2], padding: 1 } },
  { name: 'depthwise (groups = channels)', x: [1, 3, 5, 5], w: [6, 1, 3, 3], opts: { groups: 3, padding: 1 } },
];

describe('VJPs of convolutions and pools match central finite differences (float64)', () => {
  for (const c of convs) {
    it(`conv2d: ${c.name}`, () => {
      const x = randomTensor(rng, c.x), w = randomTensor(rng, c.w);
      check((g) => op.conv2d(f64(g, 'x', x), f64(g, 'w', w), c.opts), { x, w });
    });
  }

  const transposed: ConvCase[] = [
    { name: 'plain', x: [2, 3, 3, 4], w: [3, 2, 3, 3], opts: {} },
    { name: 'stride 2, padding 1, output padding 1', x: [1, 2, 3, 3], w: [2, 3, 3, 3], opts: { stride: 2, padding: 1, outputPadding: 1 } },
    { name: 'dilation 2, stride [1, 2]', x: [1, 2, 4, 3], w: [2, 2, 2, 2], opts: { dilation: 2, stride: [1, 2], padding: [0, 1] } },
    { name: 'groups 2', x: [2, 4, 3, 3], w: [4, 3, 2, 2], opts: { groups: 2, stride: 2 } },
  ];
  for (const c of transposed) {
    it(`conv2dTranspose: ${c.name}`, () => {
      const x = randomTensor(rng, c.x), w = randomTensor(rng, c.w);
      check((g) => op.conv2dTranspose(f64(g, 'x', x), f64(g, 'w', w), c.opts), { x, w });
    });
  }

  it('conv2d with a symbolic batch dim', () => {
    const x = randomTensor(rng, [3, 2, 4, 4]), w = randomTensor(rng, [3, 2, 2, 2]);
    check((g) => op.conv2d(g.data('x', 'float64', ['batch', 2, 4, 4]), f64(g, 'w', w), { stride: 2 }), { x, w });
  });

  const pools: [string, number[], op.Pair, op.AvgPoolOptions][] = [
    ['2×2 stride 2', [2, 3, 4, 6], 2, {}],
    ['3×3 stride 2 padding 1 (overlapping windows)', [1, 2, 5, 6], 3, { stride: 2, padding: 1 }],
    ['[2, 3] stride 1, asymmetric padding', [1, 2, 4, 5], [2, 3], { stride: 1, padding: [1, 2, 0, 1] }],
  ];
  for (const [name, shape, kernel, opts] of pools) {
    it(`maxPool: ${name}`, () => {
      const x = randomTensor(rng, shape);
      check((g) => op.maxPool(f64(g, 'x', x), kernel, opts), { x });
    });
    for (const countIncludePad of [true, false]) {
      it(`avgPool: ${name}, countIncludePad ${countIncludePad}`, () => {
        const x = randomTensor(rng, shape);
        check((g) => op.avgPool(f64(g, 'x', x), kernel, { ...opts, countIncludePad }), { x });
      });
    }
  }

  it('maxPool with tied maxima sends the cotangent to the first tap of each window', () => {
    const x = new Tensor('float64', [1, 1, 2, 4], new Float64Array([1, 1, 2, 0, 0, 1, 2, 2]));
    const g = grad(trace('tie', (b) => ({ loss: op.sum(op.maxPool(b.data('x', 'float64', [1, 1, 2, 4]), 2)) })), { loss: 'loss', wrt: ['x'] });
    expect(interpret(g, { x })['grad:x']!.toArray()).toEqual([1, 0, 1, 0, 0, 0, 0, 0]);
  });
});
