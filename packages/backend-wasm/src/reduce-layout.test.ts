// Reductions, matmul and layout primitives on wasm against the float64 reference.
import { describe, it } from 'vitest';
import {
  Philox, expand, matmul, max, mean, reshape, sum, trace, transpose, type Value,
} from '@repkit/core';
import { bools, expectClose, expectExact, intFloats, ints, runBoth, uniform, withGemm } from './testing.ts';

const rng = new Philox(11);
type Reduce = (x: Value, axes?: number | readonly number[], keepDims?: boolean) => Value;
const reductions: Record<string, Reduce> = { sum, mean, max };

describe('reductions', () => {
  const axesCases: [number[] | undefined, boolean][] = [
    [[0, 2], true], [[0, 2], false], [[1], false], [[2], true], [undefined, false], [[0, 1, 2], true], [[], false],
    [[0], false], [[1, 0], true], // leading axes: float32 sums run on the gemm
  ];
  for (const [op, f] of Object.entries(reductions)) {
    for (const [axes, keepDims] of axesCases) {
      it(`${op}: float32 [batch, 5, 6] over ${axes ? `[${axes}]` : 'all axes'}${keepDims ? ', keepDims' : ''}`, async () => {
        const g = trace(op, (b) => ({ out: f(b.data('x', 'float32', ['batch', 5, 6]), axes, keepDims) }));
        const { got, want } = await runBoth(g, { x: uniform(rng, [4, 5, 6], -3, 3) });
        expectClose(g, got, want);
      });
    }
  }

  for (const gemm of [true, false]) {
    it(`sum over leading axes, 1 to 300 rows (${gemm ? 'repkit gemm' : 'tfjs Sum'})`, async () => {
      const g = trace('sum', (b) => ({ rows: sum(b.data('x', 'float32', ['batch', 37]), 0), both: sum(b.data('y', 'float32', ['batch', 3, 5]), [0, 1], true) }));
      for (const n of [1, 5, 300]) {
        const { got, want } = await withGemm(gemm, () => runBoth(g, { x: uniform(rng, [n, 37], -3, 3), y: uniform(rng, [n, 3, 5], -3, 3) }));
        expectClose(g, got, want, { atol: 1e-5 });
      }
    });
  }

  it('max: ties and negative values are exact', async () => {
    const g = trace('max', (b) => ({ out: max(b.data('x', 'float32', [6, 7]), 1) }));
    const { got, want } = await runBoth(g, { x: intFloats(rng, [6, 7], -9, -3) });
    expectExact(g, got, want);
  });

  for (const [op, f] of Object.entries({ sum, max })) {
    it(`${op}: int32 over [0, 2]`, async () => {
      const g = trace(op, (b) => ({ out: f(b.data('x', 'int32', [3, 4, 5]), [0, 2]) }));
      const { got, want } = await runBoth(g, { x: ints(rng, [3, 4, 5], -1000, 1000) });
      expectExact(g, got, want);
    });
  }

  for (const [op, f] of Object.entries(reductions)) {
    it(`${op}: an empty batch gives the reduction's identity (the wasm kernel returns garbage)`, async () => {
      const g = trace(op, (b) => ({ out: f(b.data('x', 'float32', ['batch', 3]), 0) }));
      const { got, want } = await runBoth(g, { x: uniform(rng, [0, 3]) });
      expectExact(g, got, want);
    });
  }
});

describe('matmul', () => {
  const shapes: [(number | string)[], number[], number[], number[]][] = [
    [[7, 5], [5, 3], [7, 5], [5, 3]],
    [['batch', 3, 4], [4, 5], [6, 3, 4], [4, 5]],
    [[2, 1, 3, 4], [5, 4, 6], [2, 1, 3, 4], [5, 4, 6]],
    [[2, 1, 3, 4], [1, 4, 6], [2, 1, 3, 4], [1, 4, 6]],
    [[5, 3, 4], [2, 1, 4, 6], [5, 3, 4], [2, 1, 4, 6]],
    [[64, 256], [256, 10], [64, 256], [256, 10]],
  ];
  for (const gemm of [true, false]) for (const [sa, sb, fa, fb] of shapes) {
    it(`float32 [${sa}] @ [${sb}] (${gemm ? 'repkit gemm' : 'tfjs BatchMatMul'})`, async () => {
      const g = trace('matmul', (b) => ({ out: matmul(b.data('a', 'float32', sa), b.data('b', 'float32', sb)) }));
      const { got, want } = await withGemm(gemm, () => runBoth(g, { a: uniform(rng, fa), b: uniform(rng, fb) }));
      // Sums of K products in float32: error grows like √K·eps; 1e-5 relative with a 1e-5 floor holds to K = 256.
      expectClose(g, got, want, { atol: 1e-5 });
    });
  }

  it('int32 [2, 1, 3, 4] @ [5, 4, 6] is exact (wasm has no int32 BatchMatMul)', async () => {
    const g = trace('matmul', (b) => ({ out: matmul(b.data('a', 'int32', [2, 1, 3, 4]), b.data('b', 'int32', [5, 4, 6])) }));
    const { got, want } = await runBoth(g, { a: ints(rng, [2, 1, 3, 4], -1000, 1000), b: ints(rng, [5, 4, 6], -1000, 1000) });
    expectExact(g, got, want);
  });
});

describe('layout', () => {
  it('transpose: rank 3, perm [2, 0, 1], symbolic batch', async () => {
    const g = trace('transpose', (b) => ({ out: transpose(b.data('x', 'float32', ['batch', 3, 4]), [2, 0, 1]) }));
    const { got, want } = await runBoth(g, { x: uniform(rng, [5, 3, 4]) });
    expectExact(g, got, want);
  });

  it('transpose: bool and int32', async () => {
    const g = trace('transpose', (b) => ({
      p: transpose(b.data('p', 'bool', [2, 3, 4])),
      q: transpose(b.data('q', 'int32', [2, 3, 4]), [1, 0, 2]),
    }));
    const { got, want } = await runBoth(g, { p: bools(rng, [2, 3, 4]), q: ints(rng, [2, 3, 4], -9, 9) });
    expectExact(g, got, want);
  });

  it('reshape: [batch, 12] → [batch, 3, 4] → [batch, 2, 6]', async () => {
    const g = trace('reshape', (b) => {
      const x = b.data('x', 'float32', ['batch', 12]);
      return { out: reshape(reshape(x, ['batch', 3, 4]), ['batch', 2, 6]) };
    });
    const { got, want } = await runBoth(g, { x: uniform(rng, [3, 12]) });
    expectExact(g, got, want);
  });

  it('expand: bool [2, 1] → [2, 3]; −0, NaN and ±Inf survive the broadcast', async () => {
    const g = trace('expand', (b) => ({
      p: expand(b.data('p', 'bool', [2, 1]), [2, 3]),
      f: expand(b.data('f', 'float32', [1, 4]), [3, 4]),
    }));
    const f = uniform(rng, [1, 4]);
    f.data.set([-0, NaN, Infinity, -Infinity]);
    const { got, want } = await runBoth(g, { p: bools(rng, [2, 1]), f });
    expectExact(g, got, want);
  });

  it('expand: [3, 1] → [batch, 3, 4] and int32 [1] → [5]', async () => {
    const g = trace('expand', (b) => {
      const w = b.data('w', 'float32', [3, 1]), x = b.data('x', 'float32', ['batch', 1, 1]);
      return { out: expand(w, [x.shape[0]!, 3, 4]), i: expand(b.data('i', 'int32', [1]), [5]) };
    });
    const { got, want } = await runBoth(g, { w: uniform(rng, [3, 1]), x: uniform(rng, [2, 1, 1]), i: ints(rng, [1], -5, 5) });
    expectExact(g, got, want);
  });
});
