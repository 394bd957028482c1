// Index primitives and logSoftmax on wasm against the float64 reference: repeated indices, symbolic
// batches, non-last axes, and the reference's errors for indices out of range.
import { describe, expect, it } from 'vitest';
import { Philox, argmax, gather, getBackend, logSoftmax, oneHot, scatterAdd, trace } from '@repkit/core';
import { expectClose, expectExact, intFloats, ints, runBoth, uniform } from './testing.ts';

const rng = new Philox(23);

describe('gather', () => {
  it('rows of a [6, 3] table at [batch, 4] indices with repeats', async () => {
    const g = trace('gather', (b) => ({ out: gather(b.data('t', 'float32', [6, 3]), b.data('i', 'int32', ['batch', 4])) }));
    const i = ints(rng, [5, 4], 0, 6);
    i.data.set([2, 2, 2, 5, 0, 0]);
    const { got, want } = await runBoth(g, { t: uniform(rng, [6, 3]), i });
    expectExact(g, got, want);
  });

  it('int32 rows of a rank-3 table at a vector of indices', async () => {
    const g = trace('gather', (b) => ({ out: gather(b.data('t', 'int32', [4, 2, 3]), b.data('i', 'int32', [7])) }));
    const { got, want } = await runBoth(g, { t: ints(rng, [4, 2, 3], -9, 9), i: ints(rng, [7], 0, 4) });
    expectExact(g, got, want);
  });
});

describe('scatterAdd', () => {
  it('repeated indices add their rows', async () => {
    const g = trace('scatterAdd', (b) => ({ out: scatterAdd(b.data('i', 'int32', [8]), b.data('u', 'float32', [8, 3]), 5) }));
    const i = ints(rng, [8], 0, 5);
    i.data.set([1, 1, 1, 4, 0, 1, 4, 2]);
    const { got, want } = await runBoth(g, { i, u: uniform(rng, [8, 3]) });
    expectClose(g, got, want);
  });

  it('[batch, 3] indices into a [4, 2, 2] table, int32 updates', async () => {
    const g = trace('scatterAdd', (b) => ({
      out: scatterAdd(b.data('i', 'int32', ['batch', 3]), b.data('u', 'int32', ['batch', 3, 2, 2]), 4),
    }));
    const { got, want } = await runBoth(g, { i: ints(rng, [5, 3], 0, 4), u: ints(rng, [5, 3, 2, 2], -20, 20) });
    expectExact(g, got, want);
  });

  it('an empty batch gives zeros', async () => {
    const g = trace('scatterAdd', (b) => ({ out: scatterAdd(b.data('i', 'int32', ['batch']), b.data('u', 'float32', ['batch', 3]), 4) }));
    const { got, want } = await runBoth(g, { i: ints(rng, [0], 0, 4), u: uniform(rng, [0, 3]) });
    expectExact(g, got, want);
  });
});

describe('oneHot', () => {
  for (const dtype of ['float32', 'int32', 'float64'] as const) {
    it(`${dtype} rows for [batch, 3] indices`, async () => {
      const g = trace('oneHot', (b) => ({ out: oneHot(b.data('i', 'int32', ['batch', 3]), 5, dtype) }));
      const { got, want } = await runBoth(g, { i: ints(rng, [4, 3], 0, 5) });
      expectExact(g, got, want);
    });
  }

  it('depth 1 (tf.oneHot wants depth ≥ 2)', async () => {
    const g = trace('oneHot', (b) => ({ out: oneHot(b.data('i', 'int32', [3]), 1) }));
    const { got, want } = await runBoth(g, { i: ints(rng, [3], 0, 1) });
    expectExact(g, got, want);
  });
});

describe('argmax', () => {
  for (const [axis, keepDims] of [[0, false], [1, true], [2, false], [-1, true]] as const) {
    it(`float32 with ties along axis ${axis}${keepDims ? ', keepDims' : ''} picks the first`, async () => {
      const g = trace('argmax', (b) => ({ out: argmax(b.data('x', 'float32', ['batch', 4, 5]), axis, keepDims) }));
      const { got, want } = await runBoth(g, { x: intFloats(rng, [3, 4, 5], 0, 3) });
      expectExact(g, got, want);
    });
  }

  it('int32 along the last axis', async () => {
    const g = trace('argmax', (b) => ({ out: argmax(b.data('x', 'int32', [6, 7])) }));
    const { got, want } = await runBoth(g, { x: ints(rng, [6, 7], -4, 4) });
    expectExact(g, got, want);
  });
});

describe('logSoftmax', () => {
  for (const axis of [0, 1, 2]) {
    it(`[batch, 4, 6] along axis ${axis}`, async () => {
      const g = trace('logSoftmax', (b) => ({ out: logSoftmax(b.data('x', 'float32', ['batch', 4, 6]), axis) }));
      const { got, want } = await runBoth(g, { x: uniform(rng, [3, 4, 6], -8, 8) });
      expectClose(g, got, want);
    });
  }

  it('is stable for logits far apart', async () => {
    const g = trace('logSoftmax', (b) => ({ out: logSoftmax(b.data('x', 'float32', [2, 3])) }));
    const x = uniform(rng, [2, 3]);
    x.data.set([1000, 0, -1000, 50, 50, 49]);
    const { got, want } = await runBoth(g, { x });
    expectClose(g, got, want);
  });
});

describe('indices out of range fail as on the reference', () => {
  const cases = [
    ['gather', trace('gather', (b) => ({ out: gather(b.data('t', 'float32', [4, 2]), b.data('i', 'int32', [3])) })), { i: [0, 4, 1] }],
    ['scatterAdd', trace('scatterAdd', (b) => ({ out: scatterAdd(b.data('i', 'int32', [3]), b.data('t', 'float32', [3, 2]), 4) })), { i: [0, -1, 1] }],
    ['oneHot', trace('oneHot', (b) => ({ out: oneHot(b.data('i', 'int32', [3]), 4), t: b.data('t', 'float32', [4, 2]) })), { i: [0, 1, 7] }],
  ] as const;
  for (const [op, g, { i }] of cases) {
    it(op, async () => {
      const t = uniform(rng, g.input('t').value.shape as number[]);
      const feeds = { t, i: ints(rng, [3], 0, 1) };
      feeds.i.data.set(i);
      const exe = await (await getBackend('wasm')).compile(g);
      await expect(exe.run(feeds)).rejects.toThrow(new RegExp(`${op}: index .* is out of range`));
      exe.dispose();
    });
  }
});
