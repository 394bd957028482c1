// Other tools' models: torch.onnx.export (Debian's python3-torch) writes an MLP, a CNN and a mixed model
// with test data holding torch's outputs; `repkit compare` must pass on every backend.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { Tensor, getBackend, listOps } from '@repkit/core';
import { inspectModel, readTestDataSet } from '@repkit/onnx';
import { maxRelErr } from '@repkit/conformance';
import { compareModel, DEFAULT_TOL } from './compare.ts';
import { feedsFor, loadModel } from './run.ts';
import { loadBackends } from '../backends.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_models.py', import.meta.url));
const ALL = ['reference', 'onnxruntime', 'wasm'];

const probe = spawnSync(PYTHON, ['-c', 'import torch, onnx'], { encoding: 'utf8' });
const torchOk = probe.status === 0;
const why = torchOk ? '' : ` — SKIPPED: ${PYTHON} -c "import torch, onnx" failed (${(probe.stderr || probe.error?.message || '').trim().split('\n').at(-1)}); install python3-torch and python3-onnx`;
const hasConv = ['conv2d', 'maxPool'].every((n) => listOps().some((o) => o.name === n));

describe.skipIf(!torchOk)(`models exported by torch.onnx.export (opset 17) through repkit compare${why}`, () => {
  let dir = '';
  const model = (m: string): string => join(dir, m, 'model.onnx');
  const data = (m: string): string => join(dir, m, 'test_data_set_0');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'repkit-torch-'));
    await promisify(execFile)(PYTHON, [SCRIPT, dir, 'mlp', 'mix', ...(hasConv ? ['cnn'] : [])], { timeout: 300_000 });
    await loadBackends(ALL);
  }, 300_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function passes(m: string): Promise<void> {
    const r = await compareModel({ model: model(m), inputs: data(m), backends: ALL });
    expect(r.backends.filter((b) => b.error)).toEqual([]);
    for (const o of r.outputs) {
      expect(o.pairs.length, o.name).toBe(3);
      expect(o.expected.map((c) => c.what), o.name).toEqual(ALL.map((b) => `${b} vs expected`));
      for (const c of [...o.pairs, ...o.expected]) expect(c.maxRelErr, `${m} ${o.name}: ${c.what}`).toBeLessThanOrEqual(DEFAULT_TOL);
    }
    expect(r.pass).toBe(true);
    const random = await compareModel({ model: model(m), backends: ALL, dims: { batch: 6 }, seed: 2 });
    expect(random.pass, JSON.stringify(random.outputs)).toBe(true);
  }

  it('MLP (Gemm, Relu, LogSoftmax; symbolic batch): every backend agrees with torch', () => passes('mlp'));

  it.skipIf(!hasConv)(`CNN (Conv, Relu, MaxPool, Flatten, Gemm): every backend agrees with torch${hasConv ? '' : ' — SKIPPED: core has no conv2d/maxPool yet'}`, () => passes('cnn'));

  it('mixed model (Embedding, LayerNorm, GELU/Erf, dynamic view, Softmax, ArgMax; int64 ids): every backend agrees with torch', () => passes('mix'));

  it('the imported model on wasm gives the numbers of onnxruntime running the original file', async () => {
    const wasm = await getBackend('wasm');
    for (const m of ['mlp', 'mix', ...(hasConv ? ['cnn'] : [])]) {
      const bytes = new Uint8Array(await readFile(model(m)));
      const graph = await loadModel(model(m));
      const feeds = feedsFor(graph, (await readTestDataSet(data(m))).inputs, m);
      const exe = await wasm.compile(graph);
      const ours = await exe.run(feeds);
      exe.dispose();
      const session = await ort.InferenceSession.create(bytes);
      const types = new Map(inspectModel(bytes).inputs.map((i) => [i.name, i.dtype]));
      const theirs = await session.run(Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, toOrt(t, types.get(n)!)])));
      await session.release();
      for (const o of graph.outputs) {
        const want = theirs[o.name] as ort.Tensor;
        const got = ours[o.name]!;
        expect(got.shape, `${m} ${o.name}`).toEqual(want.dims.map(Number));
        const values = Array.from(want.data as ArrayLike<number | bigint>, Number);
        if (got.dtype === 'int32') expect(got.toArray(), `${m} ${o.name}`).toEqual(values);
        else expect(maxRelErr(got, new Tensor('float64', got.shape, Float64Array.from(values))), `${m} ${o.name}`).toBeLessThanOrEqual(DEFAULT_TOL);
      }
    }
  });
});

/** A feed as onnxruntime wants it for the original file (int64 where the file declares int64). */
function toOrt(t: Tensor, dtype: string): ort.Tensor {
  const dims = [...t.shape];
  if (dtype === 'int64') return new ort.Tensor('int64', BigInt64Array.from(t.toArray(), BigInt), dims);
  return new ort.Tensor(dtype as 'float32', t.data as Float32Array, dims);
}
