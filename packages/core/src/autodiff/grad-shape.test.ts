import { describe, expect, it } from 'vitest';
import '../ops/index.ts';
import * as op from '../ops/api.ts';
import { Philox } from '../rng/philox.ts';
import { Tensor } from '../tensor.ts';
import { randomShape, randomTensor } from '../testing/random.ts';
import type { GraphBuilder, Value } from '../ir/graph.ts';
import { check, f64 } from '../testing/expect-grad.ts';

const rng = new Philox(2025);



describe('VJPs of the shape primitives match central finite differences (float64)', () => {
  for (let trial = 0; trial < 3; trial++) {
    const s = randomShape(rng, 3, 4), axis = rng.integer(0, s.length);
    const sizes = [1, 2, 3].map(() => rng.integer(1, 4));
    it(`concat of three along axis ${axis} of [${s}]`, () => {
      const xs = sizes.map((n) => randomTensor(rng, s.map((d, i) => (i === axis ? n : d))));
      check((g) => op.concat(xs.map((x, i) => f64(g, `x${i}`, x)), axis), { x0: xs[0]!, x1: xs[1]!, x2: xs[2]! });
    });
  }

  const slices: [string, number[], number[], number[], number[] | undefined, number[] | undefined][] = [
    ['a middle range', [2, 7, 3], [1], [5], [1], undefined],
    ['two axes with steps', [5, 7, 3], [0, 1], [5, -1], [0, 1], [2, 3]],
    ['negative steps (reversal)', [6, 4], [-1, 3], [-Infinity, 0], [0, 1], [-2, -1]],
    ['negative indices, clamped ends', [4, 9], [-7], [100], [1], [3]],
  ];
  for (const [name, shape, starts, ends, axes, steps] of slices) {
    it(`slice: ${name}`, () => {
      const x = randomTensor(rng, shape);
      check((g) => op.slice(f64(g, 'x', x), starts, ends, axes, steps), { x });
    });
  }

  it('squeeze and unsqueeze', () => {
    const x = randomTensor(rng, [3, 1, 4, 1]);
    check((g) => op.squeeze(f64(g, 'x', x)), { x });
    check((g) => op.squeeze(f64(g, 'x', x), -1), { x });
    check((g) => op.unsqueeze(f64(g, 'x', x), [0, -1]), { x });
  });

  it('pad with constants (the value carries no gradient)', () => {
    const x = randomTensor(rng, [2, 3, 4]);
    check((g) => op.pad(f64(g, 'x', x), [[0, 0], [1, 2], [3, 0]], 0.5), { x });
  });

  it('clip composed with a broadcast product', () => {
    const x = randomTensor(rng, [3, 4], -1, 1), y = randomTensor(rng, [4], 0.5, 1);
    check((g) => op.clip(op.mul(f64(g, 'x', x), f64(g, 'y', y)), -0.2, 0.2), { x, y });
  });

  for (const [axis, largest] of [[-1, true], [0, false], [1, true]] as const) {
    it(`topk values along axis ${axis} (${largest ? 'largest' : 'smallest'}), static dims: scatter-add`, () => {
      const x = randomTensor(rng, [4, 6, 3]);
      check((g) => op.topk(f64(g, 'x', x), 2, { axis, largest }).values, { x });
    });
  }

  it('topk values with a symbolic batch dim: one-hot product', () => {
    const x = randomTensor(rng, [5, 7]);
    check((g) => op.topk(g.data('x', 'float64', ['batch', 7]), 3).values, { x });
  });
});
