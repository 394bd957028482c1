import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../run-bin.ts';
import { Tensor, argmax, interpret, linear, log, relu, trace } from '@repkit/core';
import { exportOnnx, readTensorFile, readTestDataSet, writeOnnx, writeTestDataSet } from '@repkit/onnx';
import { compareModel, formatReport, randomFeeds } from './compare.ts';
import { loadModel, runModel } from './run.ts';
import { parseBackends } from '../backends.ts';

const ALL = ['reference', 'onnxruntime', 'wasm'];

const graph = trace('classifier', (b) => {
  const x = b.data('x', 'float32', ['batch', 4]);
  const h = relu(linear(x, b.constant('W', new Tensor('float32', [4, 3], Float32Array.from({ length: 12 }, (_, i) => (i % 5) - 2))), b.constant('b', new Tensor('float32', [3], Float32Array.of(0.5, -0.25, 0)))));
  return { h, label: argmax(h, -1) };
});
const x = new Tensor('float32', [2, 4], Float32Array.of(1, -2, 0.5, 3, -1, 0.25, 2, -0.5));

let dir = '';
const at = (...p: string[]): string => join(dir, ...p);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'repkit-compare-'));
  await writeOnnx(at('model.onnx'), exportOnnx(graph));
  const ref = interpret(graph, { x });
  await mkdir(at('set'));
  await writeTestDataSet(at('set'), {
    inputs: [{ name: 'x', tensor: x }],
    outputs: [{ name: 'h', tensor: ref.h!.cast('float32') }, { name: 'label', tensor: ref.label! }],
  });
  await mkdir(at('wrong'));
  await writeTestDataSet(at('wrong'), {
    inputs: [{ name: 'x', tensor: x }],
    outputs: [{ name: 'h', tensor: ref.h!.cast('float32') }, { name: 'label', tensor: new Tensor('int32', [2], Int32Array.of((ref.label!.data[0]! + 1) % 3, ref.label!.data[1]!)) }],
  });
  // A real ONNX op that core does not have: our model with its Relu renamed to Selu (same length, still valid protobuf).
  await writeFile(at('selu.onnx'), Buffer.from(Buffer.from(exportOnnx(graph)).toString('latin1').replaceAll('Relu', 'Selu'), 'latin1'));
  await writeFile(at('text.onnx'), 'hello');
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('repkit run', () => {
  it('runs a model on each backend and writes output_N.pb named after the outputs', async () => {
    for (const backend of ALL) {
      const r = await runModel({ model: at('model.onnx'), backend, inputs: at('set'), out: at(`out-${backend}`) });
      expect(r.files.map((f) => f.slice(dir.length + 1))).toEqual([`out-${backend}/output_0.pb`, `out-${backend}/output_1.pb`]);
      const back = await readTestDataSet(at('set'));
      const [h, label] = await Promise.all(r.files.map((f) => readTensorFile(f)));
      expect([h!.name, label!.name]).toEqual(['h', 'label']);
      expect(label!.tensor.toArray()).toEqual(back.outputs[1]!.tensor.toArray());
      h!.tensor.toArray().forEach((v, i) => expect(v).toBeCloseTo(back.outputs[0]!.tensor.data[i]!, 5));
    }
  });

  it('fails on bad input naming the argument, writing nothing', async () => {
    const out = at('never');
    await expect(runModel({ model: at('missing.onnx'), backend: 'reference', inputs: at('set'), out })).rejects.toThrow(/MODEL '.*missing.onnx': cannot read the file \(ENOENT\)/);
    await expect(runModel({ model: at('text.onnx'), backend: 'reference', inputs: at('set'), out })).rejects.toThrow(/MODEL '.*text.onnx': not an ONNX model/);
    await expect(runModel({ model: at('selu.onnx'), backend: 'reference', inputs: at('set'), out })).rejects.toThrow(/MODEL '.*selu.onnx': node \d+ 'n\d+_Selu' \(Selu, opset 17\): op Selu is not supported; supported: Abs, /);
    await expect(runModel({ model: at('model.onnx'), backend: 'reference', inputs: at('nodir'), out })).rejects.toThrow(/--inputs '.*nodir': cannot list the folder/);
    await mkdir(at('two'));
    await writeTestDataSet(at('two'), { inputs: [{ name: 'x', tensor: x }, { name: 'z', tensor: x }], outputs: [] });
    await expect(runModel({ model: at('model.onnx'), backend: 'reference', inputs: at('two'), out })).rejects.toThrow(/--inputs '.*two': 2 input_N.pb file\(s\) for 1 model input\(s\) \(x\)/);
    await writeTestDataSet(at('two'), { inputs: [{ name: 'x', tensor: new Tensor('float32', [2, 5]) }], outputs: [] });
    await expect(runModel({ model: at('model.onnx'), backend: 'reference', inputs: at('two'), out })).rejects.toThrow(/--inputs '.*two': .*feed 'x' has dim 1 = 5, expected 4/);
    expect(await readdir(dir)).not.toContain('never');
  });
});

describe('repkit compare', () => {
  it('compares every pair of backends and each backend with the expected outputs', async () => {
    const r = await compareModel({ model: at('model.onnx'), inputs: at('set'), backends: ALL });
    expect(r.pass).toBe(true);
    expect(r.outputs.map((o) => [o.name, o.type, o.pairs.map((c) => c.what), o.expected.length])).toEqual([
      ['h', 'float32[batch, 3]', ['onnxruntime vs reference', 'wasm vs reference', 'wasm vs onnxruntime'], 3],
      ['label', 'int32[batch]', ['onnxruntime vs reference', 'wasm vs reference', 'wasm vs onnxruntime'], 3],
    ]);
    for (const o of r.outputs) for (const c of [...o.pairs, ...o.expected]) expect(c.maxRelErr, c.what).toBeLessThan(1e-6);
    expect(formatReport(r)).toMatch(/output h float32\[batch, 3\]: max relative difference between backends .*\n(.*\n)*PASS$/);
  });

  it('fails when an expected output differs, counting the differing elements', async () => {
    const r = await compareModel({ model: at('model.onnx'), inputs: at('wrong'), backends: ['reference', 'wasm'] });
    expect(r.pass).toBe(false);
    const label = r.outputs.find((o) => o.name === 'label')!;
    expect(label.expected.map((c) => [c.what, c.mismatches, c.pass])).toEqual([['reference vs expected', 1, false], ['wasm vs expected', 1, false]]);
    expect(label.pairs.every((c) => c.pass)).toBe(true);
  });

  it('one backend needs expected outputs to compare with; a backend listed twice is refused', async () => {
    await expect(compareModel({ model: at('model.onnx'), backends: ['onnxruntime'] })).rejects.toThrow(/--backends: 'onnxruntime' alone has nothing to be compared with; list two or more backends, or give --inputs with expected outputs/);
    expect((await compareModel({ model: at('model.onnx'), inputs: at('set'), backends: ['wasm'] })).outputs[0]!.expected.map((c) => c.what)).toEqual(['wasm vs expected']);
    expect(() => parseBackends('wasm,wasm')).toThrow(/--backends: 'wasm' is listed twice; list each backend once/);
  });

  it('draws seeded inputs from the declared shapes, symbolic dims sized by --dim', async () => {
    const g = await loadModel(at('model.onnx'));
    const a = randomFeeds(g, 3, { batch: 5 }), b = randomFeeds(g, 3, { batch: 5 });
    expect(a.x!.shape).toEqual([5, 4]);
    expect(a.x!.toArray()).toEqual(b.x!.toArray());
    expect(randomFeeds(g, 4).x!.shape).toEqual([3, 4]);
    expect(() => randomFeeds(g, 0, { seq: 2 })).toThrow(/--dim seq: the model has no symbolic dim 'seq' \(it has: batch\)/);
    const r = await compareModel({ model: at('model.onnx'), backends: ALL, dims: { batch: 7 }, seed: 1 });
    expect([r.pass, r.inputs]).toEqual([true, 'seeded random (seed 1, symbolic dims 3 unless --dim)']);
  });

  it('counts NaN at the same place in both outputs as agreement (random inputs reach log of negatives)', async () => {
    await writeOnnx(at('log.onnx'), exportOnnx(trace('log', (b) => ({ y: log(b.data('x', 'float32', [4, 4])) }))));
    const r = await compareModel({ model: at('log.onnx'), backends: ALL });
    expect(r.pass).toBe(true);
  });

  it('as a command: exit 0 on agreement, 1 beyond tolerance, 2 on bad input', async () => {
    const run = (...args: string[]) => promisify(execFile)(process.execPath, [BIN, ...args]).then(
      (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );
    const [ok, bad, missing] = await Promise.all([
      run('compare', at('model.onnx'), '--backends', 'reference,wasm', '--json'),
      run('compare', at('model.onnx'), '--inputs', at('wrong'), '--backends', 'reference'),
      run('compare', at('missing.onnx')),
    ]);
    expect([ok.code, JSON.parse(ok.out).pass]).toEqual([0, true]);
    expect([bad.code, bad.out.trim().split('\n').at(-1)]).toEqual([1, 'FAIL']);
    expect([missing.code, missing.err.trim()]).toEqual([2, `repkit: MODEL '${at('missing.onnx')}': cannot read the file (ENOENT)`]);
  }, 120_000);
});
