// The server's life: 503 while loading, a model that fails to load, the per-request deadline (504),
// graceful close with a request in flight, option errors, and the static edge folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, type Backend } from '@repkit/core';
import '@repkit/backend-onnxruntime';
import { umlsExport } from './fixture.ts';
import { createServer } from './server.ts';

const work = mkdtempSync(join(tmpdir(), 'repkit-life-'));
const modelsDir = join(work, 'models');
let head = '', relation = '';

beforeAll(async () => {
  await umlsExport(modelsDir, work);
  const s = createServer({ modelsDir });
  await s.loaded;
  const m = s.store.models.get('umls')!.info!.kge!;
  [head, relation] = [m.entities[0]!, m.relations[0]!];
  await s.close();
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A backend whose compile waits until `open()`: the server is loading for as long as the test wants. */
async function gated(): Promise<{ backend: Backend; open: () => void }> {
  const inner = await getBackend('onnxruntime');
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return { open, backend: { name: 'gated', describe: () => 'gated onnxruntime', compile: async (g) => (await gate, inner.compile(g)) } };
}

describe('loading', () => {
  it('answers 503 (JSON, Retry-After) until the models are loaded, 404 for unknown names meanwhile', async () => {
    const { backend, open } = await gated();
    const s = createServer({ modelsDir, backend });
    const ready = await s.app.inject({ url: '/v2/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ ready: false, error: 'not ready: umls loading' });
    expect((await s.app.inject({ url: '/v2/health/live' })).statusCode).toBe(200);
    const predict = await s.app.inject({ method: 'POST', url: '/v1/kge/umls/predict', payload: { head, relation } });
    expect(predict.statusCode).toBe(503);
    expect(predict.headers['retry-after']).toBe('1');
    expect(predict.json()).toEqual({ error: "model 'umls' is loading; retry when GET /v2/models/umls/ready answers 200" });
    expect((await s.app.inject({ url: '/v2/models/umls/ready' })).statusCode).toBe(503);
    expect((await s.app.inject({ url: '/v2/models/other/ready' })).statusCode).toBe(404);
    open();
    await s.loaded;
    expect((await s.app.inject({ url: '/v2/health/ready' })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'POST', url: '/v1/kge/umls/predict', payload: { head, relation } })).statusCode).toBe(200);
    await s.close();
  });

  it('keeps serving the good models when one file is not ONNX, and says why it is not ready', async () => {
    const dir = join(work, 'mixed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'broken.onnx'), 'not a model');
    const s = createServer({ modelsDir: dir });
    await s.loaded;
    const r = await s.app.inject({ url: '/v2/health/ready' });
    expect(r.statusCode).toBe(503);
    expect((r.json() as { error: string }).error).toMatch(/broken failed: /);
    const m = await s.app.inject({ url: '/v2/models/broken' });
    expect(m.statusCode).toBe(503);
    expect((m.json() as { error: string }).error).toMatch(/model 'broken' failed to load: /);
    await s.close();
  });

  it('names the argument and the fix for bad options', () => {
    expect(() => createServer({ modelsDir: join(work, 'nope') })).toThrow(/modelsDir: '.*nope' is not a folder; pass the folder holding \.onnx exports/);
    const empty = join(work, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(() => createServer({ modelsDir: empty })).toThrow(/modelsDir: '.*empty' holds no models; export one with 'repkit kge export/);
    expect(() => createServer({ modelsDir, backend: 'gpu' as 'wasm' })).toThrow(/backend must be 'onnxruntime' or 'wasm'/);
    expect(() => createServer({ modelsDir, maxBatch: 0 })).toThrow(/maxBatch must be an integer ≥ 1, got 0; use 1 to turn batching off/);
    expect(() => createServer({ modelsDir, batchWindowMs: -1 })).toThrow(/batchWindowMs must be a number ≥ 0/);
    expect(() => createServer({ modelsDir, edgeDir: empty })).toThrow(/edgeDir: .* holds no index\.html; build the page with 'node apps\/edge\/build\.mjs'/);
  });
});

describe('deadlines and shutdown', () => {
  it('answers 504 past timeoutMs and drops the request from the batch queue', async () => {
    const s = createServer({ modelsDir, batchWindowMs: 400, timeoutMs: 50 });
    await s.loaded;
    const t0 = performance.now();
    const r = await s.app.inject({ method: 'POST', url: '/v1/kge/umls/predict', payload: { head, relation } });
    expect(r.statusCode).toBe(504);
    expect((r.json() as { error: string }).error).toMatch(/took longer than the 50 ms timeout; .* --timeout-ms/);
    expect(performance.now() - t0).toBeLessThan(300);
    // Dropped from the queue: no run of it is recorded once the window has passed.
    await new Promise((r) => setTimeout(r, 500));
    expect(s.metrics.render()).not.toMatch(/repkit_batch_rows_count\{model="umls"\}/);
    await s.close();
  });

  it('finishes a request in flight on close, and refuses new connections', async () => {
    const s = createServer({ modelsDir, batchWindowMs: 300 });
    await s.loaded;
    const url = await s.listen({ port: 0 });
    const inFlight = fetch(`${url}/v1/kge/umls/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ head, relation }) });
    await new Promise((r) => setTimeout(r, 100)); // the request now waits in the batch window
    const closed = s.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { predictions: unknown[] }).predictions).toHaveLength(10);
    await closed;
    await expect(fetch(`${url}/v2/health/live`)).rejects.toThrow();
  });
});

describe('edge folder', () => {
  it('serves files with their types and nothing outside the folder', async () => {
    const edge = join(work, 'edge');
    mkdirSync(join(edge, 'wasm'), { recursive: true });
    writeFileSync(join(edge, 'index.html'), '<!doctype html><title>edge</title>');
    writeFileSync(join(edge, 'wasm', 'x.wasm'), new Uint8Array([0, 97, 115, 109]));
    const s = createServer({ modelsDir, edgeDir: edge });
    await s.loaded;
    const page = await s.app.inject({ url: '/edge/' });
    expect([page.statusCode, page.headers['content-type'], page.body]).toEqual([200, 'text/html; charset=utf-8', '<!doctype html><title>edge</title>']);
    expect((await s.app.inject({ url: '/edge' })).statusCode).toBe(302);
    expect((await s.app.inject({ url: '/edge/wasm/x.wasm' })).headers['content-type']).toBe('application/wasm');
    for (const bad of ['/edge/../package.json', '/edge/%2e%2e/%2e%2e/package.json', '/edge/missing.js']) {
      const r = await s.app.inject({ url: bad });
      expect(r.statusCode).toBe(404);
      expect(r.json()).toHaveProperty('error');
    }
    await s.close();
  });
});
