// What the executable decides at compile time: fused matmul + bias [+ relu] chains, constants reshaped
// once, identity ops sharing their input's slot, and plans for a subset of the outputs; each checked
// against the reference, and for leaks of tfjs tensors and data buffers.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  Philox, Tensor, abs, add, argmax, getBackend, interpret, matmul, mlp, mlpParams, neg, relu, reshape, softmax,
  stopGradient, trace, type Feeds,
} from '@repkit/core';
import { WasmExecutable } from './index.ts';
import { errorRatio, expectClose, expectExact, runBoth, uniform } from './testing.ts';

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
    // y fuses the whole chain; m is an output and s has two readers, so neither fuses further;
    // a [1, n] bias stays rank 2 in the kernel's data records, which it refuses.
    expect(exe.describe()).toEqual(['matmul+add+relu', 'matmul', 'add', 'matmul', 'add', 'relu', 'abs']);
    exe.dispose();
    for (const rows of [3, 1, 0]) {
      const { got, want } = await runBoth(g, { x: uniform(rng, [rows, 6]) });
      expectClose(g, got, want, { rtol: 1e-5, atol: 1e-6 });
    }
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
