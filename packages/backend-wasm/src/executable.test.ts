// What the executable decides at compile time: fused matmul + bias [+ relu] chains, matmuls of a transpose
// run as the transposed product, relu gradient masks, constants reshaped once, identity ops sharing their
// input's slot, and plans for a subset of the outputs; each checked
// against the reference, and for leaks of tfjs tensors and data buffers.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  Philox, Tensor, abs, add, argmax, cast, crossEntropy, getBackend, grad, greater, interpret, matmul, mean, mlp, mlpParams, mul,
  neg, relu, reshape, softmax, stopGradient, trace, transpose, type Feeds,
} from '@repkit/core';
import { WasmExecutable } from './index.ts';
import { errorRatio, expectClose, expectExact, runBoth, uniform, withGemm } from './testing.ts';

const rng = new Philox(11);

async function compile(g: Parameters<typeof interpret>[0]): Promise<WasmExecutable> {
  return (await (await getBackend('wasm')).compile(g)) as WasmExecutable;
}

function mlpGraph(sizes: readonly number[]) {
  return trace('mlp', (b) => {
    const logits = mlp(b.data('x', 'float32', ['batch', sizes[0]!]), mlpParams(b, sizes));
    return { probs: softmax(logits), label: argmax(logits) };
  });
}

function mlpFeeds(sizes: readonly number[], batch: number): Feeds {
  const f: Record<string, Tensor> = { x: uniform(rng, [batch, sizes[0]!]) };
  for (let i = 0; i + 1 < sizes.length; i++) {
    f[`W${i}`] = uniform(rng, [sizes[i]!, sizes[i + 1]!], -0.5, 0.5);
    f[`b${i}`] = uniform(rng, [sizes[i + 1]!], -0.5, 0.5);
  }
  return f;
}

describe('fusion', () => {
  it('runs an MLP as fused matmul + bias [+ relu] calls, as the reference computes it', async () => {
    const sizes = [16, 32, 32, 5];
    const g = mlpGraph(sizes);
    const exe = await compile(g);
    expect(exe.describe()).toEqual(['matmul+add+relu', 'matmul+add+relu', 'matmul+add', 'softmax', 'argmax']);
    exe.dispose();
    for (const batch of [1, 7]) {
      const feeds = mlpFeeds(sizes, batch);
      const { got, want } = await runBoth(g, feeds);
      expect(errorRatio(got.probs!, want.probs!, { rtol: 1e-4, atol: 1e-6 })).toBeLessThanOrEqual(1);
      expect(got.label!.toArray()).toEqual(want.label!.toArray());
    }
  });

  it('gives the unfused results (fuse: false) to float32 rounding', async () => {
    const sizes = [16, 32, 32, 5];
    const g = mlpGraph(sizes), feeds = mlpFeeds(sizes, 9);
    const plain = WasmExecutable.compile(g, { fuse: false });
    expect(plain.describe().some((s) => s.includes('+'))).toBe(false);
    const fused = WasmExecutable.compile(g);
    const [a, b] = [plain.runSync(feeds), fused.runSync(feeds)];
    expect(errorRatio(b.probs!, a.probs!, { rtol: 1e-5, atol: 1e-7 })).toBeLessThanOrEqual(1);
    expect(b.label!.toArray()).toEqual(a.label!.toArray());
    plain.dispose();
    fused.dispose();
  });

  it('takes a bias first and constant weights; leaves a [1, n] bias and chains with other readers unfused', async () => {
    const w = uniform(rng, [6, 4]), c = uniform(rng, [4]);
    const g = trace('chains', (b) => {
      const x = b.data('x', 'float32', ['batch', 6]);
      const h = add(b.constant('c', c), matmul(x, b.constant('w', w)));
      const m = matmul(x, b.constant('w2', w));
      const s = add(m, b.constant('c2', c));
      const k = add(matmul(x, b.constant('w3', w)), b.constant('c3', new Tensor('float32', [1, 4], c.data)));
      return { y: relu(h), m, s, r: relu(s), q: abs(s), k };
    });
    const exe = await compile(g);
    // y fuses the whole chain (run where its relu was traced); m is an output and s has two readers, so
    // neither fuses further; a [1, n] bias stays rank 2 in the kernel's data records, which it refuses.
    expect(exe.describe()).toEqual(['matmul', 'add', 'matmul', 'add', 'matmul+add+relu', 'relu', 'abs']);
    exe.dispose();
    for (const rows of [3, 1, 0]) {
      const { got, want } = await runBoth(g, { x: uniform(rng, [rows, 6]) });
      expectClose(g, got, want, { rtol: 1e-5, atol: 1e-6 });
    }
  });
});

describe.each([true, false])('matmul of a transpose (repkit gemm: %s)', (gemm) => {
  it('runs xᵀg and a·wᵀ as the transposed products where the packed operand shrinks, with the same values', async () => {
    const g = trace('folds', (b) => {
      const x = b.data('x', 'float32', [30, 4]), gr = b.data('g', 'float32', [30, 32]);
      const a = b.data('a', 'float32', [3, 40]), w = b.data('w', 'float32', [64, 40]);
      return { xg: matmul(transpose(x), gr), aw: matmul(a, transpose(w)) };
    });
    const feeds = { x: uniform(rng, [30, 4]), g: uniform(rng, [30, 32]), a: uniform(rng, [3, 40]), w: uniform(rng, [64, 40]) };
    const [fused, plain, got, unfused] = await withGemm(gemm, async () => {
      const fused = WasmExecutable.compile(g), plain = WasmExecutable.compile(g, { fuse: false });
      return [fused, plain, fused.runSync(feeds), plain.runSync(feeds)] as const;
    });
    expect(fused.describe()).toEqual(['transpose+matmul', 'transpose+matmul']);
    fused.dispose();
    plain.dispose();
    expectClose(g, got, unfused, { rtol: 1e-6, atol: 1e-7 });
    expectClose(g, got, interpret(g, feeds), { rtol: 1e-5, atol: 1e-6 });
    expect(got.xg!.shape).toEqual([4, 32]);
    expect(got.aw!.shape).toEqual([3, 64]);
  });

  it('keeps the direct product where it packs less, and a transpose with another reader or a batch', async () => {
    const g = trace('kept', (b) => {
      const x = b.data('x', 'float32', [30, 32]), gr = b.data('g', 'float32', [30, 4]);
      const y = b.data('y', 'float32', [30, 4]), t = transpose(y);
      const u = b.data('u', 'float32', [2, 30, 4]);
      const shared = matmul(t, b.data('h', 'float32', [30, 32]));
      return { big: matmul(transpose(x), gr), t, shared, batch: matmul(transpose(u, [0, 2, 1]), b.data('v', 'float32', [2, 30, 32])) };
    });
    // The cost model is tfjs's; repkit's gemm reads a transpose in place, so it folds every single-reader one.
    const exe = await withGemm(gemm, () => compile(g));
    expect(exe.describe().sort()).toEqual(gemm
      ? ['matmul', 'matmul', 'transpose', 'transpose', 'transpose+matmul']
      : ['matmul', 'matmul', 'matmul', 'transpose', 'transpose', 'transpose']);
    exe.dispose();
    const feeds = {
      x: uniform(rng, [30, 32]), g: uniform(rng, [30, 4]), y: uniform(rng, [30, 4]), h: uniform(rng, [30, 32]),
      u: uniform(rng, [2, 30, 4]), v: uniform(rng, [2, 30, 32]),
    };
    const { got, want } = await withGemm(gemm, () => runBoth(g, feeds));
    expectClose(g, got, want, { rtol: 1e-5, atol: 1e-6 });
  });

  it('runs a Linear layer as PyTorch exports it, relu(x·wᵀ + b), as one call on the gemm', async () => {
    const g = trace('linear', (b) => {
      const x = b.data('x', 'float32', ['batch', 6]), w = b.constant('w', uniform(rng, [5, 6])), bias = b.data('b', 'float32', [5]);
      return { y: relu(add(matmul(x, transpose(w)), bias)), z: add(matmul(x, transpose(w)), bias) };
    });
    const exe = await withGemm(gemm, () => compile(g));
    expect(exe.describe()).toEqual(gemm
      ? ['transpose+matmul+add+relu', 'transpose+matmul+add']
      : ['transpose', 'matmul+add+relu', 'transpose', 'matmul+add']);
    exe.dispose();
    for (const rows of [7, 0]) {
      const { got, want } = await withGemm(gemm, () => runBoth(g, { x: uniform(rng, [rows, 6]), b: uniform(rng, [5]) }));
      expectClose(g, got, want, { rtol: 1e-5, atol: 1e-6 });
    }
  });

  it('folds with a symbolic batch on the gemm (the cost model needs every extent)', async () => {
    const g = trace('batch', (b) => {
      const x = b.data('x', 'float32', ['batch', 8]), gr = b.data('g', 'float32', ['batch', 16]);
      return { xg: matmul(transpose(x), gr) };
    });
    const exe = await withGemm(gemm, () => compile(g));
    expect(exe.describe()).toEqual(gemm ? ['transpose+matmul'] : ['transpose', 'matmul']);
    exe.dispose();
    const { got, want } = await withGemm(gemm, () => runBoth(g, { x: uniform(rng, [21, 8]), g: uniform(rng, [21, 16]) }));
    expectClose(g, got, want, { rtol: 1e-5, atol: 1e-6 });
  });

  it('runs a fold where the transpose comes before its product\'s other operand is computed', async () => {
    const g = trace('early', (b) => {
      const t = transpose(b.data('x', 'float32', [30, 4])), u = transpose(b.data('w', 'float32', [6, 5]));
      const gr = mul(b.data('g', 'float32', [30, 32]), 2), a = mul(b.data('a', 'float32', [3, 5]), 2);
      return { xg: matmul(t, gr), aw: matmul(a, u) };
    });
    const feeds = { x: uniform(rng, [30, 4]), g: uniform(rng, [30, 32]), a: uniform(rng, [3, 5]), w: uniform(rng, [6, 5]) };
    const exe = await withGemm(gemm, () => compile(g));
    expect(exe.describe().filter((s) => s === 'transpose+matmul')).toHaveLength(2);
    exe.dispose();
    const { got, want } = await withGemm(gemm, () => runBoth(g, feeds));
    expectClose(g, got, want, { rtol: 1e-5, atol: 1e-6 });
  });

  it("folds a first layer's weight gradient in an MLP's, beside the fused forward, as the reference computes it", async () => {
    const sizes = [8, 32, 4];
    const loss = trace('mlp', (b) => {
      const logits = mlp(b.data('x', 'float32', [50, 8]), mlpParams(b, sizes));
      return { loss: crossEntropy(logits, b.data('y', 'int32', [50])) };
    });
    const g = grad(loss, { loss: 'loss' });
    const exe = await withGemm(gemm, () => compile(g));
    const plan = exe.describe();
    expect(plan).toContain('transpose+matmul');
    expect(plan).toContain('greater+cast');
    expect(plan).toContain('matmul+add');
    exe.dispose();
    const feeds: Feeds = { ...mlpFeeds(sizes, 50), y: new Tensor('int32', [50], rng.integers(50, 0, 4)) };
    const { got, want } = await withGemm(gemm, () => runBoth(g, feeds));
    expectClose(g, got, want, { rtol: 1e-4, atol: 1e-6 });
  });
});

describe('relu gradient mask', () => {
  const x = new Tensor('float32', [2, 5], Float32Array.from([NaN, -0, 0, 1e-45, -1e-45, Infinity, -Infinity, 3, -2, 0.5]));
  const g = uniform(rng, [2, 5], -1, 1, 'float64');

  it('runs cast(greater(x, 0), float) as one exact mask, NaN included', async () => {
    const graph = trace('mask', (b) => {
      const v = b.data('x', 'float32', [2, 5]);
      return { m: cast(greater(v, 0), 'float32'), d: mul(b.data('g', 'float64', [2, 5]), cast(greater(v, 0), 'float64')) };
    });
    const exe = await compile(graph);
    expect(exe.describe()).toEqual(['greater+cast', 'greater+cast', 'mul']);
    exe.dispose();
    const { got, want } = await runBoth(graph, { x, g });
    expect(Array.from(got.m!.data)).toEqual([0, 0, 0, 1, 0, 1, 0, 1, 0, 1]);
    expectExact(graph, got, want);
  });

  it('leaves a mask with another reader, another constant or an int input unfused', async () => {
    const graph = trace('masks', (b) => {
      const v = b.data('x', 'float32', [2, 5]);
      const k = b.data('k', 'int32', [2, 5]);
      const shared = greater(v, 0);
      return { a: cast(shared, 'float32'), s: shared, c: cast(greater(v, 0.5), 'float32'), i: cast(greater(k, 0), 'float32') };
    });
    const exe = await compile(graph);
    expect(exe.describe()).toEqual(['greater', 'cast', 'greater', 'cast', 'greater', 'cast']);
    exe.dispose();
    const k = new Tensor('int32', [2, 5], Int32Array.from([-2, -1, 0, 1, 2, 3, 0, -5, 7, 1]));
    const { got, want } = await runBoth(graph, { x, k });
    expectExact(graph, got, want);
  });

  it("fuses the mask of a relu's gradient, with the gradient as the reference computes it", async () => {
    const graph = grad(trace('relu', (b) => ({ loss: mean(relu(b.data('x', 'float32', ['n', 5]))) })), { loss: 'loss', wrt: ['x'] });
    const exe = await compile(graph);
    expect(exe.describe()).toContain('greater+cast');
    exe.dispose();
    const { got, want } = await runBoth(graph, { x });
    expectClose(graph, got, want, { rtol: 1e-6, atol: 0 });
  });
});

describe('plans', () => {
  const g = trace('three', (b) => {
    const t = b.constant('t', uniform(rng, [5, 4]));
    const x = b.data('x', 'float32', ['q', 4]);
    const u = b.data('u', 'float32', ['q', 4]);
    const e = reshape(t, [1, 5, 4]); // folded at compile time
    const xs = stopGradient(reshape(x, ['q', 1, 4]));
    return { a: neg(abs(add(xs, e))), b: relu(u), c: neg(x) };
  });
  const feeds = { x: uniform(rng, [2, 4]), u: uniform(rng, [2, 4]) };

  it('computes only the outputs asked for, and each the same as a full run', async () => {
    const exe = await compile(g);
    expect(exe.describe(['a'])).toEqual(['reshape', 'add', 'abs', 'neg']);
    expect(exe.describe(['c', 'b'])).toEqual(['relu', 'neg']);
    const full = await exe.run(feeds);
    const a = await exe.run(feeds, { outputs: ['a'] });
    expect(Object.keys(a)).toEqual(['a']);
    expect(a.a!.toArray()).toEqual(full.a!.toArray());
    const cb = await exe.run(feeds, { outputs: ['c', 'b'] });
    expect(Object.keys(cb).sort()).toEqual(['b', 'c']);
    expectExact(g, { ...full, ...cb }, full);
    expectClose(g, full, interpret(g, feeds));
    await expect(exe.run(feeds, { outputs: ['nope'] })).rejects.toThrow(/unknown output 'nope' \(outputs: a, b, c\)/);
    exe.dispose();
  });

  it('leaks no tensors or data buffers over runs of every plan, and frees its constants', async () => {
    const before = tf.memory();
    const exe = await compile(g);
    const afterCompile = tf.memory();
    for (let r = 0; r < 50; r++) {
      await exe.run(feeds);
      await exe.run(feeds, { outputs: ['a'] });
      await exe.run(feeds, { outputs: ['b', 'c'] });
    }
    const m = await compile(mlpGraph([8, 16, 3]));
    const mf = mlpFeeds([8, 16, 3], 4);
    const afterM = tf.memory();
    for (let r = 0; r < 50; r++) await m.run(mf);
    expect([tf.memory().numTensors, tf.memory().numDataBuffers, tf.memory().numBytes]).toEqual([afterM.numTensors, afterM.numDataBuffers, afterM.numBytes]);
    m.dispose();
    expect([tf.memory().numTensors, tf.memory().numDataBuffers]).toEqual([afterCompile.numTensors, afterCompile.numDataBuffers]);
    exe.dispose();
    expect([tf.memory().numTensors, tf.memory().numDataBuffers, tf.memory().numBytes]).toEqual([before.numTensors, before.numDataBuffers, before.numBytes]);
  });
});
