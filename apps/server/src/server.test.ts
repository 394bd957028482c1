// The endpoints on a trained UMLS TransE export and a toy model: protocol answers, the KGE task endpoint
// against `repkit kge score`, validation errors (400/404/413/415) as JSON, and the metrics text.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import { kgeScore } from '../../cli/src/commands/kge.ts';
import { toyExport, umlsExport } from './fixture.ts';
import { createServer, type RepkitServer } from './server.ts';

const work = mkdtempSync(join(tmpdir(), 'repkit-server-'));
const modelsDir = join(work, 'models');
let server: RepkitServer;
let file = '';
let entities: string[] = [], relations: string[] = [];

beforeAll(async () => {
  file = await umlsExport(modelsDir, work);
  await toyExport(modelsDir);
  server = createServer({ modelsDir, backend: 'onnxruntime', device: 'cpu' });
  await server.loaded;
  const list = (await server.app.inject({ url: '/v1/models' })).json() as { models: { name: string; status: string }[] };
  expect(list.models.map((m) => [m.name, m.status])).toEqual([['toy', 'ready'], ['umls', 'ready']]);
  const { inspectModel } = await import('@repkit/onnx');
  const meta = inspectModel(new Uint8Array(readFileSync(file))).metadata;
  entities = JSON.parse(meta['repkit.entities']!) as string[];
  relations = JSON.parse(meta['repkit.relations']!) as string[];
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

const post = (url: string, payload: unknown) => server.app.inject({ method: 'POST', url, payload: payload as object });
const ids = (name: string, data: unknown[], datatype = 'INT32', shape = [data.length]) => ({ name, datatype, shape, data });

describe('KServe v2 protocol', () => {
  it('answers health, server and model metadata', async () => {
    expect((await server.app.inject({ url: '/v2/health/live' })).statusCode).toBe(200);
    expect((await server.app.inject({ url: '/v2/health/ready' })).json()).toEqual({ ready: true });
    expect((await server.app.inject({ url: '/v2' })).json()).toMatchObject({ name: 'repkit' });
    const m = (await server.app.inject({ url: '/v2/models/umls' })).json();
    expect(m).toEqual({
      name: 'umls', versions: ['1'], platform: 'onnxruntime_onnx',
      inputs: ['h', 'r', 't'].map((name) => ({ name, datatype: 'INT32', shape: [-1] })),
      outputs: [
        { name: 'tails', datatype: 'FP32', shape: [-1, entities.length] }, { name: 'heads', datatype: 'FP32', shape: [-1, entities.length] },
        { name: 'score', datatype: 'FP32', shape: [-1] },
      ],
    });
    expect((await server.app.inject({ url: '/v2/models/umls/ready' })).json()).toEqual({ name: 'umls', ready: true });
    const toy = (await server.app.inject({ url: '/v2/models/toy' })).json() as { outputs: unknown[] };
    expect(toy.outputs).toEqual([{ name: 'y', datatype: 'FP32', shape: [-1, 3] }, { name: 'pos', datatype: 'BOOL', shape: [-1, 3] }]);
  });

  it('runs JSON tensors, nested data and an output selection', async () => {
    const r = await post('/v2/models/umls/infer', { id: 'q1', inputs: [ids('h', [0, 1]), ids('r', [0, 1]), ids('t', [[2], [3]], 'INT32', [2])] });
    expect(r.statusCode).toBe(200);
    const body = r.json() as { model_name: string; id: string; outputs: { name: string; shape: number[]; data: number[] }[] };
    expect(body).toMatchObject({ model_name: 'umls', model_version: '1', id: 'q1' });
    expect(body.outputs.map((o) => [o.name, o.shape])).toEqual([['tails', [2, entities.length]], ['heads', [2, entities.length]], ['score', [2]]]);
    // Row 0 of tails is (entity 0, relation 0): its best tail is the predict endpoint's first answer.
    const tails0 = body.outputs[0]!.data.slice(0, entities.length);
    const best = (await post('/v1/kge/umls/predict', { head: entities[0], relation: relations[0], top: 1 })).json() as { predictions: { label: string; score: number }[] };
    expect(best.predictions[0]).toEqual({ label: entities[tails0.indexOf(Math.max(...tails0))], score: Math.max(...tails0) });
    const only = (await post('/v2/models/umls/infer', { inputs: [ids('h', [0]), ids('r', [0]), ids('t', [1])], outputs: [{ name: 'score' }] })).json();
    expect((only as { outputs: { name: string }[] }).outputs.map((o) => o.name)).toEqual(['score']);
    const toy = (await post('/v2/models/toy/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 3], data: [1, -2, 0.5, 0, 3, -1] }] })).json();
    expect(toy).toMatchObject({ outputs: [
      { name: 'y', datatype: 'FP32', shape: [2, 3], data: [2, -4, 1, 0, 6, -2] },
      { name: 'pos', datatype: 'BOOL', shape: [2, 3], data: [true, false, true, false, true, false] },
    ] });
  });

  it.each([
    ['a wrong datatype', { inputs: [ids('h', [0], 'FP32'), ids('r', [0]), ids('t', [0])] }, /input 'h': datatype FP32, expected INT32/],
    ['a wrong rank', { inputs: [ids('h', [0], 'INT32', [1, 1]), ids('r', [0]), ids('t', [0])] }, /input 'h': shape \[1, 1\] has rank 2, expected rank 1/],
    ['disagreeing batch dims', { inputs: [ids('h', [0, 1]), ids('r', [0]), ids('t', [0, 1])] }, /input 'r': dim 0 \('q'\) is 1, but input 'h' set 'q' to 2/],
    ['too few elements', { inputs: [ids('h', [0], 'INT32', [2]), ids('r', [0, 1]), ids('t', [0, 1])] }, /input 'h': data has 1 elements, but shape \[2\] needs 2/],
    ['a fraction for INT32', { inputs: [ids('h', [0.5]), ids('r', [0]), ids('t', [0])] }, /input 'h': element 0 is 0.5, not an integer/],
    ['an entity id out of range', { inputs: [ids('h', [100000]), ids('r', [0]), ids('t', [0])] }, /input 'h': element 0 is 100000, but ids must be in \[0, 134\]/],
    ['an unknown input', { inputs: [ids('x', [0]), ids('r', [0]), ids('t', [0])] }, /unknown input 'x'; model 'umls' takes h, r, t/],
    ['a missing input', { inputs: [ids('h', [0]), ids('r', [0])] }, /missing input 't' \(INT32\[-1\]\)/],
    ['an unknown output', { inputs: [ids('h', [0]), ids('r', [0]), ids('t', [0])], outputs: [{ name: 'nope' }] }, /unknown output 'nope'/],
    ['an empty input list', { inputs: [] }, /body\.inputs must NOT have fewer than 1 items/],
    ['a stray field', { inputs: [ids('h', [0])], input: 1 }, /body must NOT have additional properties \('input'\)/],
    ['a string shape', { inputs: [{ name: 'h', datatype: 'INT32', shape: ['1'], data: [0] }] }, /body\.inputs\.0\.shape\.0 must be integer/],
  ])('answers 400 to %s', async (_what, body, message) => {
    const r = await post('/v2/models/umls/infer', body);
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect((r.json() as { error: string }).error).toMatch(message);
  });

  it('checks fixed dims and BOOL/FP32 of the toy model', async () => {
    const bad = await post('/v2/models/toy/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] });
    expect(bad.json()).toEqual({ error: "input 'x': dim 1 is 4, expected 3 (input is FP32[-1, 3])" });
    const str = await post('/v2/models/toy/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3], data: [1, '2', 3] }] });
    expect(str.json()).toEqual({ error: `input 'x': element 1 is "2", not a number; datatype is FP32` });
  });
});

describe('POST /v1/kge/{model}/predict', () => {
  it('gives the top-10 of repkit kge score, tails and heads', async () => {
    for (const q of [{ head: entities[3]!, relation: relations[2]! }, { tail: entities[7]!, relation: relations[5]! }]) {
      const r = await post('/v1/kge/umls/predict', q);
      expect(r.statusCode).toBe(200);
      const want = await kgeScore(file, { ...q, top: 10, backend: 'onnxruntime' });
      expect(r.json()).toEqual({ model: 'umls', side: want.side, predictions: want.predictions });
    }
    const three = (await post('/v1/kge/umls/predict', { head: entities[0], relation: relations[0], top: 3 })).json() as { predictions: unknown[] };
    expect(three.predictions).toHaveLength(3);
    const all = (await post('/v1/kge/umls/predict', { head: entities[0], relation: relations[0], top: 100000 })).json() as { predictions: unknown[] };
    expect(all.predictions).toHaveLength(entities.length);
  });

  it.each([
    ['an unknown head', { head: 'no_such_entity', relation: 'x' }, 400, /unknown head 'no_such_entity' \(135 known/],
    ['an unknown relation', () => ({ head: entities[0], relation: 'no_such_relation' }), 400, /unknown relation 'no_such_relation'/],
    ['head and tail', () => ({ head: entities[0], tail: entities[1], relation: relations[0] }), 400, /exactly one of "head".*or "tail"/],
    ['no relation', { head: 'a' }, 400, /body must have required property 'relation'/],
    ['a misspelt field', { haed: 'a', relation: 'b' }, 400, /additional properties \('haed'\)/],
    ['top as a string', { head: 'a', relation: 'b', top: '10' }, 400, /body\.top must be integer/],
    ['top 0', { head: 'a', relation: 'b', top: 0 }, 400, /body\.top must be >= 1/],
  ])('answers %s with a clear 400', async (_what, body, status, message) => {
    const r = await post('/v1/kge/umls/predict', typeof body === 'function' ? body() : body);
    expect(r.statusCode).toBe(status);
    expect((r.json() as { error: string }).error).toMatch(message);
  });

  it('answers 404 for an unknown model and 400 for a model that is not KGE', async () => {
    const r = await post('/v1/kge/nope/predict', { head: 'a', relation: 'b' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error: "model 'nope' not found; this server holds toy, umls" });
    expect((await server.app.inject({ url: '/v2/models/nope' })).statusCode).toBe(404);
    expect((await post('/v1/kge/toy/predict', { head: 'a', relation: 'b' })).json()).toEqual({
      error: "model 'toy' is not a KGE export (no metadata repkit.kind = kge); use POST /v2/models/toy/infer",
    });
  });
});

describe('HTTP errors as JSON', () => {
  it('answers 413, 415, bad JSON and unknown routes with { error }', async () => {
    const big = await post('/v2/models/umls/infer', { inputs: [ids('h', new Array(600_000).fill(0))] });
    expect(big.statusCode).toBe(413);
    expect((big.json() as { error: string }).error).toMatch(/larger than the 1048576-byte limit; .* --body-limit/);
    const text = await server.app.inject({ method: 'POST', url: '/v1/kge/umls/predict', payload: 'head=a', headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(415);
    expect((text.json() as { error: string }).error).toMatch(/application\/json/);
    const broken = await server.app.inject({ method: 'POST', url: '/v1/kge/umls/predict', payload: '{"head":', headers: { 'content-type': 'application/json' } });
    expect(broken.statusCode).toBe(400);
    expect((broken.json() as { error: string }).error).toMatch(/not valid JSON/);
    const none = await server.app.inject({ url: '/v3/nothing' });
    expect(none.statusCode).toBe(404);
    expect((none.json() as { error: string }).error).toMatch(/no route GET \/v3\/nothing/);
  });

  it('serves the model file for the edge page', async () => {
    const r = await server.app.inject({ url: '/v1/models/umls/model.onnx' });
    expect(r.statusCode).toBe(200);
    expect(new Uint8Array(r.rawPayload)).toEqual(new Uint8Array(readFileSync(file)));
  });
});

describe('GET /metrics', () => {
  it('counts requests and errors by route and status, latency and batch sizes', async () => {
    await post('/v1/kge/umls/predict', { head: 'nobody', relation: relations[0] });
    const r = await server.app.inject({ url: '/metrics' });
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = r.body;
    expect(text).toMatch(/^# TYPE repkit_http_requests_total counter$/m);
    expect(text).toMatch(/^repkit_http_requests_total\{route="\/v1\/kge\/:model\/predict",method="POST",status="200"\} \d+$/m);
    expect(text).toMatch(/^repkit_http_errors_total\{route="\/v1\/kge\/:model\/predict",status="400"\} \d+$/m);
    expect(text).toMatch(/^repkit_http_errors_total\{route="unmatched",status="404"\} 1$/m);
    expect(text).toMatch(/^repkit_http_request_duration_seconds_bucket\{route="\/v2\/models\/:name\/infer",le="\+Inf"\} \d+$/m);
    expect(text).toMatch(/^repkit_batch_rows_count\{model="umls"\} \d+$/m);
    expect(text).toMatch(/^repkit_model_ready\{model="umls"\} 1$/m);
    // Every sample line is `name{labels} number`: the exposition parses.
    for (const line of text.trim().split('\n').filter((l) => !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? [-+0-9.eInfNa]+$/);
  });
});
