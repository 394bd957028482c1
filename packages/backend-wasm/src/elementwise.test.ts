// Elementwise primitives on wasm against the float64 reference: binary ops with broadcasting and a
// symbolic batch, unary ops, cast (every dtype pair that tfjs treats specially) and where.
import { describe, it } from 'vitest';
import {
  Philox, abs, add, cast, div, equal, exp, greater, log, maximum, mul, neg, relu, sign, sqrt, sub, trace, where,
  type DType, type Value,
} from '@repkit/core';
import { bools, expectClose, expectExact, intFloats, ints, runBoth, uniform } from './testing.ts';

const rng = new Philox(7);
const binaries = { add, sub, mul, div, maximum } as const;

describe('binary arithmetic', () => {
  for (const [op, f] of Object.entries(binaries)) {
    it(`${op}: float32 [batch, 3, 4] with [3, 1]`, async () => {
      const g = trace(op, (b) => ({ out: f(b.data('a', 'float32', ['batch', 3, 4]), b.data('b', 'float32', [3, 1])) }));
      const feeds = { a: uniform(rng, [5, 3, 4], -2, 2), b: uniform(rng, [3, 1], 0.5, 2) };
      const { got, want } = await runBoth(g, feeds);
      expectClose(g, got, want);
    });

    it(`${op}: int32 [4] with [batch, 1] (negatives, and zero divisors for div)`, async () => {
      const g = trace(op, (b) => ({ out: f(b.data('a', 'int32', [4]), b.data('b', 'int32', ['batch', 1])) }));
      const feeds = { a: ints(rng, [4], -50, 50), b: ints(rng, [6, 1], -7, 8) };
      const { got, want } = await runBoth(g, feeds);
      expectExact(g, got, want);
    });
  }

  // Exact while |a| < 2^24: tfjs-backend-wasm divides int32 in float32 (its FloorDiv too).
  it('div: int32 truncates toward zero and gives 0 for a zero divisor', async () => {
    const g = trace('div', (b) => ({ out: div(b.data('a', 'int32', [6]), b.data('b', 'int32', [6])) }));
    const a = ints(rng, [6], 0, 1), d = ints(rng, [6], 0, 1);
    a.data.set([7, -7, 7, -7, 5, -16777215]);
    d.data.set([2, 2, -2, -2, 0, 3]);
    const { got, want } = await runBoth(g, { a, b: d });
    expectExact(g, got, want);
  });

  it('a literal operand broadcasts as a scalar', async () => {
    const g = trace('lit', (b) => ({ out: mul(add(b.data('x', 'float32', ['batch', 3]), 0.5), 3) }));
    const { got, want } = await runBoth(g, { x: uniform(rng, [4, 3]) });
    expectClose(g, got, want);
  });
});

describe('comparisons', () => {
  for (const [op, f] of Object.entries({ greater, equal })) {
    it(`${op}: float32 with ties, broadcasting [batch, 4] with [4]`, async () => {
      const g = trace(op, (b) => ({ out: f(b.data('a', 'float32', ['batch', 4]), b.data('b', 'float32', [4])) }));
      const { got, want } = await runBoth(g, { a: intFloats(rng, [8, 4], -2, 3), b: intFloats(rng, [4], -2, 3) });
      expectExact(g, got, want);
    });

    it(`${op}: int32`, async () => {
      const g = trace(op, (b) => ({ out: f(b.data('a', 'int32', [3, 4]), b.data('b', 'int32', [3, 1])) }));
      const { got, want } = await runBoth(g, { a: ints(rng, [3, 4], -3, 3), b: ints(rng, [3, 1], -3, 3) });
      expectExact(g, got, want);
    });
  }
});

describe('unary', () => {
  // Measured: every unary op, exp and log included, within 0.5 ulp of float32 (rel. 6e-8).
  const cases: [string, (x: Value) => Value, number, number][] = [
    ['neg', neg, -3, 3],
    ['abs', abs, -3, 3],
    ['relu', relu, -3, 3],
    ['exp', exp, -10, 10],
    ['log', log, 1e-3, 100],
    ['sqrt', sqrt, 0, 100],
  ];
  for (const [op, f, lo, hi] of cases) {
    it(`${op}: float32 in [${lo}, ${hi}) with a symbolic batch`, async () => {
      const g = trace(op, (b) => ({ out: f(b.data('x', 'float32', ['batch', 16])) }));
      const { got, want } = await runBoth(g, { x: uniform(rng, [8, 16], lo, hi) });
      expectClose(g, got, want);
    });
  }

  it('sign: float32 with zeros', async () => {
    const g = trace('sign', (b) => ({ out: sign(b.data('x', 'float32', [5, 4])) }));
    const { got, want } = await runBoth(g, { x: intFloats(rng, [5, 4], -2, 3) });
    expectExact(g, got, want);
  });

  for (const [op, f] of Object.entries({ neg, abs, sign })) {
    it(`${op}: int32`, async () => {
      const g = trace(op, (b) => ({ out: f(b.data('x', 'int32', [12])) }));
      const { got, want } = await runBoth(g, { x: ints(rng, [12], -100, 100) });
      expectExact(g, got, want);
    });
  }
});

describe('cast', () => {
  const pairs: [DType, DType, () => ReturnType<typeof uniform>][] = [
    ['float32', 'int32', () => uniform(rng, [4, 6], -10, 10)],
    ['float32', 'bool', () => intFloats(rng, [4, 6], -2, 3)],
    ['int32', 'bool', () => ints(rng, [4, 6], -300, 300)],
    ['int32', 'float32', () => ints(rng, [4, 6], -1000, 1000)],
    ['bool', 'float32', () => bools(rng, [4, 6])],
    ['bool', 'int32', () => bools(rng, [4, 6])],
    ['float32', 'float64', () => uniform(rng, [4, 6])],
    ['float64', 'float32', () => uniform(rng, [4, 6], -1, 1, 'float64')],
  ];
  for (const [from, to, make] of pairs) {
    it(`${from} → ${to}`, async () => {
      const g = trace('cast', (b) => ({ out: cast(b.data('x', from, [4, 6]), to) }));
      const x = make();
      const { got, want } = await runBoth(g, { x });
      expectExact(g, got, want);
    });
  }

  it('int32 → bool keeps 256 and −1 true (a byte copy would not)', async () => {
    const g = trace('cast', (b) => ({ out: cast(b.data('x', 'int32', [4]), 'bool') }));
    const x = ints(rng, [4], 0, 1);
    x.data.set([256, -1, 0, 512]);
    const { got, want } = await runBoth(g, { x });
    expectExact(g, got, want);
  });
});

describe('where', () => {
  it('bool [batch, 1] selects between [batch, 4] and a scalar', async () => {
    const g = trace('where', (b) => ({
      out: where(b.data('c', 'bool', ['batch', 1]), b.data('a', 'float32', ['batch', 4]), 0.25),
    }));
    const { got, want } = await runBoth(g, { c: bools(rng, [6, 1]), a: uniform(rng, [6, 4]) });
    expectExact(g, got, want);
  });

  it('int32 branches, condition computed in the graph', async () => {
    const g = trace('where', (b) => {
      const a = b.data('a', 'int32', [3, 4]), c = b.data('b', 'int32', [4]);
      return { out: where(greater(a, c), a, c) };
    });
    const { got, want } = await runBoth(g, { a: ints(rng, [3, 4], -5, 5), b: ints(rng, [4], -5, 5) });
    expectExact(g, got, want);
  });
});
