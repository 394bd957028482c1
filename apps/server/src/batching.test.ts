// Dynamic batching: concurrent requests are merged into one run (metrics show it) and every answer is
// identical, bit for bit, to the same request served unbatched; plus the Batcher's own rules.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor, type Feeds, type Results } from '@repkit/core';
import '@repkit/backend-onnxruntime';
import { kgeScore } from '../../cli/src/commands/kge.ts';
import { Batcher, concatRows, sliceRows } from './batcher.ts';
import { umlsExport } from './fixture.ts';
import { createServer, type RepkitServer } from './server.ts';

const work = mkdtempSync(join(tmpdir(), 'repkit-batch-'));
const modelsDir = join(work, 'models');
let file = '';
let batched: RepkitServer, unbatched: RepkitServer;

beforeAll(async () => {
  file = await umlsExport(modelsDir, work);
  batched = createServer({ modelsDir, maxBatch: 64, batchWindowMs: 50 });
  unbatched = createServer({ modelsDir, maxBatch: 1 });
  await Promise.all([batched.loaded, unbatched.loaded]);
}, 120_000);
afterAll(async () => {
  await Promise.all([batched?.close(), unbatched?.close()]);
  rmSync(work, { recursive: true, force: true });
});

type Req = { url: string; payload: object };

function requests(s: RepkitServer): Req[] {
  const k = s.store.models.get('umls')!.info!.kge!;
  const out: Req[] = [];
  for (let i = 0; i < 24; i++) {
    const side = i % 3 === 0 ? { tail: k.entities[(i * 7) % k.entities.length]! } : { head: k.entities[(i * 5) % k.entities.length]! };
    out.push({ url: '/v1/kge/umls/predict', payload: { ...side, relation: k.relations[(i * 3) % k.relations.length]!, top: 10 } });
  }
  for (let i = 0; i < 4; i++) {
    const col = (base: number, n: number) => ({ datatype: 'INT32', shape: [3], data: [0, 1, 2].map((j) => (base + i * 11 + j * 13) % n) });
    out.push({ url: '/v2/models/umls/infer', payload: { inputs: [{ name: 'h', ...col(1, 135) }, { name: 'r', ...col(2, 46) }, { name: 't', ...col(3, 135) }] } });
  }
  return out;
}

const fire = (s: RepkitServer, reqs: Req[]) => Promise.all(reqs.map(async (r) => {
  const res = await s.app.inject({ method: 'POST', url: r.url, payload: r.payload });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as unknown;
}));

function batchStats(s: RepkitServer): { runs: number; requests: number; single: number } {
  const text = s.metrics.render();
  const get = (re: RegExp): number => Number(re.exec(text)?.[1] ?? 0);
  return {
    runs: get(/^repkit_batch_requests_count\{model="umls"\} (\d+)$/m),
    requests: get(/^repkit_batch_requests_sum\{model="umls"\} (\d+)$/m),
    single: get(/^repkit_batch_requests_bucket\{model="umls",le="1"\} (\d+)$/m),
  };
}

describe('dynamic batching', () => {
  it('merges concurrent predict and infer requests, and answers each exactly as unbatched', async () => {
    const reqs = requests(batched);
    const before = batchStats(batched);
    const merged = await fire(batched, reqs);
    const after = batchStats(batched);
    const runs = after.runs - before.runs;
    expect(after.requests - before.requests).toBe(reqs.length);
    expect(runs).toBeLessThan(reqs.length / 4); // 28 requests in a 50 ms window: a few runs, not 28
    expect(after.single - before.single).toBeLessThan(runs);

    const alone = await fire(unbatched, reqs);
    const u = batchStats(unbatched);
    expect(u.runs).toBe(u.requests); // maxBatch 1: one run per request
    expect(merged).toEqual(alone);

    // And both are what `repkit kge score` prints.
    for (const [i, r] of reqs.entries()) {
      if (!r.url.endsWith('/predict')) continue;
      const q = r.payload as { head?: string; tail?: string; relation: string };
      const want = await kgeScore(file, { ...q, top: 10, backend: 'onnxruntime' });
      expect((merged[i] as { predictions: unknown }).predictions).toEqual(want.predictions);
    }
  });
});

describe('Batcher', () => {
  const rows = (vals: number[]): Feeds => ({ x: new Tensor('int32', [vals.length], Int32Array.from(vals)) });
  // A fake model: y[i] = 10 x[i]; it fails on any row holding -1.
  const sizes: number[] = [];
  const model = async (f: Feeds): Promise<Results> => {
    sizes.push(f.x!.shape[0]!);
    if (f.x!.toArray().includes(-1)) throw new Error('poison row');
    return { y: new Tensor('float32', f.x!.shape, Float32Array.from(f.x!.toArray(), (v) => v * 10)) };
  };

  it('concatenates and splits rows back', () => {
    const a = { x: new Tensor('float32', [2, 2], Float32Array.of(1, 2, 3, 4)) }, b = { x: new Tensor('float32', [1, 2], Float32Array.of(5, 6)) };
    const c = concatRows([a, b]);
    expect([c.x!.shape, c.x!.toArray()]).toEqual([[3, 2], [1, 2, 3, 4, 5, 6]]);
    expect(sliceRows(c as Results, 2, 1).x!.toArray()).toEqual([5, 6]);
  });

  it('keeps each run within maxRows (a larger request runs alone) and serves requests in order', async () => {
    sizes.length = 0;
    const b = new Batcher(model, { maxRows: 8, windowMs: 20 });
    const outs = await Promise.all(Array.from({ length: 6 }, (_, i) => b.submit(rows([i, i, i]), 3)));
    expect(outs.map((o) => o.y!.toArray())).toEqual(Array.from({ length: 6 }, (_, i) => [i * 10, i * 10, i * 10]));
    expect(sizes).toEqual([6, 6, 6]);
    sizes.length = 0;
    const [big, small] = await Promise.all([b.submit(rows(new Array(9).fill(1)), 9), b.submit(rows([2]), 1)]);
    expect([big.y!.size, small.y!.toArray()]).toEqual([9, [20]]);
    expect(sizes).toEqual([9, 1]); // more than maxRows: it runs alone
  });

  it('isolates a failing request from the others in its batch', async () => {
    const b = new Batcher(model, { maxRows: 64, windowMs: 10 });
    const [good, bad, other] = await Promise.allSettled([b.submit(rows([1]), 1), b.submit(rows([-1]), 1), b.submit(rows([2]), 1)]);
    expect(good).toMatchObject({ status: 'fulfilled' });
    expect((bad as PromiseRejectedResult).reason).toEqual(new Error('poison row'));
    expect((other as PromiseFulfilledResult<Results>).value.y!.toArray()).toEqual([20]);
  });

  it('drops an aborted request from the queue before it runs', async () => {
    sizes.length = 0;
    const b = new Batcher(model, { maxRows: 64, windowMs: 30 });
    const ac = new AbortController();
    const dropped = b.submit(rows([7]), 1, ac.signal);
    const kept = b.submit(rows([8]), 1);
    ac.abort(new Error('deadline'));
    await expect(dropped).rejects.toThrow('deadline');
    expect((await kept).y!.toArray()).toEqual([80]);
    expect(sizes).toEqual([1]);
  });

  it('with windowMs 0, runs at once when the model is free', async () => {
    const b = new Batcher(model, { maxRows: 64, windowMs: 0 });
    const t0 = performance.now();
    await b.submit(rows([1]), 1);
    expect(performance.now() - t0).toBeLessThan(20);
  });
});
