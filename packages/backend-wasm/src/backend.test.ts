// WasmBackend as a core Backend: registration, description, dtypes at the boundary, feed checks,
// errors that name the fix, and no leaked tfjs tensors across many runs.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  Philox, Tensor, adam, add, crossEntropy, defineOp, gather, getBackend, listBackends, listOps, mlp, mlpParams,
  mul, probeBackend, relu, scalar, sum, trace, trainStep, zeros, type Feeds,
} from '@repkit/core';
import { LOWERING, WasmBackend } from './index.ts';
import { expectClose, ints, runBoth, uniform } from './testing.ts';

const rng = new Philox(3);

describe('WasmBackend', () => {
  it("registers as 'wasm' on import and probes fine", async () => {
    expect(listBackends()).toContain('wasm');
    expect(await probeBackend('wasm')).toBeNull();
    const b = await getBackend('wasm');
    expect(b).toBeInstanceOf(WasmBackend);
    expect(b.name).toBe('wasm');
  });

  it('describes engine, SIMD and threads', async () => {
    const b = (await getBackend('wasm')) as WasmBackend;
    expect(b.describe()).toMatch(/^wasm \(tfjs-backend-wasm 4\.22\.0, (SIMD|no SIMD), 1 thread, (repkit gemm|tfjs BatchMatMul \(repkit gemm off: .+\))\), float32$/);
    expect(b.info.simd).toBe(Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')));
  });

  it('refuses a different thread count once the engine has started', async () => {
    await getBackend('wasm');
    await expect(WasmBackend.create({ threads: 4 })).rejects.toThrow(/same threads option/);
    await expect(WasmBackend.create({ threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
  });

  it('has a lowering for every core primitive', () => {
    expect(listOps().map((o) => o.name).filter((op) => !LOWERING[op])).toEqual([]);
  });
});

describe('executables', () => {
  it('float64 graphs run in float32 and come back as float64 tensors', async () => {
    const g = trace('f64', (b) => {
      const x = b.data('x', 'float64', ['batch', 3]);
      return { y: sum(mul(x, b.constant('w', new Tensor('float64', [3], Float64Array.of(0.5, -1, 2)))), 1) };
    });
    const { got, want } = await runBoth(g, { x: uniform(rng, [4, 3], -1, 1, 'float64') });
    expect(got.y!.data).toBeInstanceOf(Float64Array);
    expectClose(g, got, want);
  });

  it('accepts float64 feeds for float32 inputs', async () => {
    const g = trace('cvt', (b) => ({ y: relu(b.data('x', 'float32', [5])) }));
    const { got, want } = await runBoth(g, { x: uniform(rng, [5], -1, 1, 'float64') });
    expect(got.y!.dtype).toBe('float32');
    expectClose(g, got, want);
  });

  it('returns inputs and constants that are outputs, and the same value under two names', async () => {
    const c = scalar(2.5);
    const g = trace('pass', (b) => {
      const x = b.data('x', 'int32', [2]);
      const k = b.constant('k', c);
      return { x, k, twice: add(k, k), again: x };
    });
    const exe = await (await getBackend('wasm')).compile(g);
    const x = ints(rng, [2], -5, 5);
    for (let r = 0; r < 3; r++) {
      const out = await exe.run({ x });
      expect(out.x!.toArray()).toEqual(x.toArray());
      expect(out.again!.toArray()).toEqual(x.toArray());
      expect(out.k!.item()).toBe(2.5);
      expect(out.twice!.item()).toBe(5);
    }
    exe.dispose();
  });

  it('binds the symbolic batch anew on every run', async () => {
    const g = trace('batch', (b) => ({ y: sum(b.data('x', 'float32', ['batch', 2]), 1) }));
    const exe = await (await getBackend('wasm')).compile(g);
    for (const n of [1, 7, 3]) expect((await exe.run({ x: uniform(rng, [n, 2]) })).y!.shape).toEqual([n]);
    exe.dispose();
  });

  it('validates feeds with core and names the problem', async () => {
    const g = trace('feeds', (b) => ({ y: add(b.data('x', 'float32', ['batch', 2]), b.data('z', 'float32', ['batch', 2])) }));
    const exe = await (await getBackend('wasm')).compile(g);
    await expect(exe.run({ x: zeros([2, 2]) })).rejects.toThrow(/missing feed 'z'/);
    await expect(exe.run({ x: zeros([2, 2]), z: zeros([3, 2]) })).rejects.toThrow(/binds 'batch' = 3/);
    await expect(exe.run({ x: zeros([2, 2]), z: zeros([2, 2], 'int32') })).rejects.toThrow(/feed 'z' is int32/);
    exe.dispose();
    await expect(exe.run({ x: zeros([2, 2]), z: zeros([2, 2]) })).rejects.toThrow(/disposed; compile the graph again/);
  });

  it('names an op without a lowering at compile time', async () => {
    defineOp({
      name: 'wasmTestOnlyIdentity', doc: 'identity, registered by a test', arity: 1,
      infer: ([x]) => [x!], compute: ([x]) => [x!], onnx: () => {},
    });
    const g = trace('unknown', (b) => ({ y: b.apply('wasmTestOnlyIdentity', [b.data('x', 'float32', [2])])[0]! }));
    await expect((await getBackend('wasm')).compile(g)).rejects.toThrow(/no lowering for op\(s\) wasmTestOnlyIdentity; add an entry/);
  });
});

describe('memory', () => {
  it('1,000 train steps leak no tfjs tensors; dispose frees the constants', async () => {
    const loss = trace('mlp', (b) => {
      const p = mlpParams(b, [8, 16, 4]);
      const logits = mlp(b.data('x', 'float32', ['batch', 8]), p);
      return { loss: crossEntropy(logits, b.data('y', 'int32', ['batch'])) };
    });
    const step = trainStep(loss, { optimizer: adam({ lr: 0.01 }) });
    const before = tf.memory().numTensors;
    const exe = await (await getBackend('wasm')).compile(step.graph);
    const afterCompile = tf.memory().numTensors;
    const feeds: Record<string, Tensor> = { x: uniform(rng, [16, 8]), y: ints(rng, [16], 0, 4) };
    for (const i of step.graph.feeds) {
      if (!feeds[i.name]) feeds[i.name] = i.name.startsWith('opt.') ? scalar(0.01) : uniform(rng, i.value.shape as number[], -0.1, 0.1);
    }
    const counts: number[] = [];
    for (let r = 0; r < 1000; r++) {
      const out = await exe.run(feeds as Feeds);
      for (const p of step.params) feeds[p] = out[step.nextName(p)]!;
      if (r % 100 === 99) counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts)).toEqual(new Set([afterCompile]));
    exe.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a failing run frees what it made', async () => {
    const bad = trace('failGather', (b) => {
      const t = b.data('t', 'float32', [3, 2]);
      return { y: relu(mul(add(t, 1), 2)), g: gather(t, b.data('i', 'int32', [2])) };
    });
    const exe = await (await getBackend('wasm')).compile(bad);
    const before = tf.memory().numTensors;
    const i = ints(rng, [2], 0, 1);
    i.data.set([0, 9]);
    await expect(exe.run({ t: uniform(rng, [3, 2]), i })).rejects.toThrow(/gather: index 9 \(at flat position 1\) is out of range \[0, 3\)/);
    expect(tf.memory().numTensors).toBe(before);
    exe.dispose();
  });
});
