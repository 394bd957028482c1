// The endpoints: KServe v2 / Triton HTTP (health, model metadata and readiness, JSON-tensor inference),
// the KGE task endpoint, a model list and file download (for the edge page), and Prometheus metrics.
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Feeds, Results } from '@repkit/core';
import { checkKgeIds, kgeFeeds, topPredictions, type KgeQuery } from './kge.ts';
import { METRICS_CONTENT_TYPE, type Metrics } from './metrics.ts';
import type { Model, ModelStore } from './models.ts';
import { HttpError, decodeInput, encodeOutput, protocolShape, type IoSpec, type JsonTensor } from './tensors.ts';

export interface RouteContext {
  store: ModelStore;
  metrics: Metrics;
  timeoutMs: number;
  version: string;
}

const nameParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } } as const;
const tensorSchema = {
  type: 'object', required: ['name', 'shape', 'datatype', 'data'], additionalProperties: false,
  properties: {
    name: { type: 'string' }, shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
    datatype: { type: 'string' }, data: { type: 'array' }, parameters: { type: 'object' },
  },
} as const;
const inferBody = {
  type: 'object', required: ['inputs'], additionalProperties: false,
  properties: {
    id: { type: 'string' }, parameters: { type: 'object' },
    inputs: { type: 'array', minItems: 1, items: tensorSchema },
    outputs: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, parameters: { type: 'object' } } } },
  },
} as const;
const predictBody = {
  type: 'object', required: ['relation'], additionalProperties: false,
  properties: { head: { type: 'string' }, relation: { type: 'string' }, tail: { type: 'string' }, top: { type: 'integer', minimum: 1, default: 10 } },
} as const;
const predictReply = {
  200: {
    type: 'object',
    properties: {
      model: { type: 'string' }, side: { type: 'string' },
      predictions: { type: 'array', items: { type: 'object', properties: { label: { type: 'string' }, score: { type: 'number' } } } },
    },
  },
} as const;

type Name = { Params: { name: string } };

/** The model, loaded: 404 when unknown, 503 while loading or after a failed load. */
function readyModel(store: ModelStore, name: string, reply: FastifyReply): Model {
  const m = store.models.get(name);
  if (!m) throw new HttpError(404, `model '${name}' not found; this server holds ${[...store.models.keys()].join(', ')}`);
  if (m.status === 'loading') {
    reply.header('retry-after', '1');
    throw new HttpError(503, `model '${name}' is loading; retry when GET /v2/models/${name}/ready answers 200`);
  }
  if (m.status === 'failed') throw new HttpError(503, `model '${name}' failed to load: ${m.reason}`);
  return m;
}

/** Run with the per-request deadline: past it the request answers 504 and leaves the batch queue. */
async function withTimeout(ms: number, run: (signal: AbortSignal) => Promise<Results>): Promise<Results> {
  const ac = new AbortController();
  const expired = new Promise<never>((_, reject) => ac.signal.addEventListener('abort', () => reject(ac.signal.reason), { once: true }));
  const timer = setTimeout(() => ac.abort(new HttpError(504, `inference took longer than the ${ms} ms timeout; retry, or start the server with a larger --timeout-ms`)), ms);
  try {
    return await Promise.race([run(ac.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

const describe = (v: IoSpec) => ({ name: v.name, datatype: v.datatype, shape: protocolShape(v.dims) });

export function registerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { store, metrics } = ctx;

  app.get('/v2', async () => ({ name: 'repkit', version: ctx.version, extensions: [] }));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_req, reply) => {
    if (store.ready) return { ready: true };
    const waiting = [...store.models.values()].filter((m) => m.status !== 'ready');
    const why = waiting.map((m) => (m.status === 'loading' ? `${m.name} loading` : `${m.name} failed: ${m.reason}`)).join('; ');
    return reply.code(503).send({ ready: false, error: `not ready: ${why}` });
  });

  app.get<Name>('/v2/models/:name', { schema: { params: nameParams } }, async (req, reply) => {
    const m = readyModel(store, req.params.name, reply);
    return { name: m.name, versions: [m.entry.version], platform: 'onnxruntime_onnx', inputs: m.info!.inputs.map(describe), outputs: m.info!.outputs.map(describe) };
  });
  app.get<Name>('/v2/models/:name/ready', { schema: { params: nameParams } }, async (req, reply) => {
    const m = readyModel(store, req.params.name, reply);
    return { name: m.name, ready: true };
  });

  app.post<Name & { Body: { id?: string; inputs: JsonTensor[]; outputs?: { name: string }[] } }>(
    '/v2/models/:name/infer', { schema: { params: nameParams, body: inferBody } },
    async (req, reply) => {
      const m = readyModel(store, req.params.name, reply);
      const info = m.info!;
      const given = new Map<string, JsonTensor>();
      for (const t of req.body.inputs) {
        if (given.has(t.name)) throw new HttpError(400, `input '${t.name}' is given twice`);
        if (!info.inputs.some((i) => i.name === t.name)) throw new HttpError(400, `unknown input '${t.name}'; model '${m.name}' takes ${info.inputs.map((i) => i.name).join(', ')}`);
        given.set(t.name, t);
      }
      const bound = new Map<string, { size: number; by: string }>();
      const feeds: Feeds = Object.fromEntries(info.inputs.map((spec) => {
        const t = given.get(spec.name);
        if (!t) throw new HttpError(400, `missing input '${spec.name}' (${spec.datatype}[${protocolShape(spec.dims).join(', ')}])`);
        return [spec.name, decodeInput(spec, t, bound)];
      }));
      if (info.kge) checkKgeIds(info.kge, feeds);
      const wanted = req.body.outputs?.map((o) => o.name) ?? info.outputs.map((o) => o.name);
      for (const w of wanted) {
        if (!info.outputs.some((o) => o.name === w)) throw new HttpError(400, `unknown output '${w}'; model '${m.name}' returns ${info.outputs.map((o) => o.name).join(', ')}`);
      }
      const results = await withTimeout(ctx.timeoutMs, (signal) => m.infer(feeds, signal));
      const outputs = info.outputs.filter((o) => wanted.includes(o.name)).map((o) => encodeOutput(o, results[o.name]!));
      return { model_name: m.name, model_version: m.entry.version, ...(req.body.id !== undefined ? { id: req.body.id } : {}), outputs };
    },
  );

  app.post<{ Params: { model: string }; Body: KgeQuery }>(
    '/v1/kge/:model/predict',
    { schema: { params: { type: 'object', required: ['model'], properties: { model: { type: 'string', minLength: 1 } } }, body: predictBody, response: predictReply } },
    async (req, reply) => {
      const m = readyModel(store, req.params.model, reply);
      const kge = m.info!.kge;
      if (!kge) throw new HttpError(400, `model '${m.name}' is not a KGE export (no metadata repkit.kind = kge); use POST /v2/models/${m.name}/infer`);
      const { side, feeds } = kgeFeeds(kge, req.body);
      const results = await withTimeout(ctx.timeoutMs, (signal) => m.infer(feeds, signal));
      const top = Math.min(req.body.top ?? 10, kge.entities.length);
      return { model: m.name, side, predictions: topPredictions(results[side]!.data, kge.entities, top) };
    },
  );

  app.get('/v1/models', async () => ({
    models: [...store.models.values()].map((m) => ({
      name: m.name, version: m.entry.version, status: m.status, ...(m.reason ? { reason: m.reason } : {}),
      ...(m.info?.kge ? { kind: 'kge', model: m.info.kge.model, entities: m.info.kge.entities.length, relations: m.info.kge.relations.length } : {}),
      file: `/v1/models/${encodeURIComponent(m.name)}/model.onnx`,
    })),
  }));
  app.get<Name>('/v1/models/:name/model.onnx', { schema: { params: nameParams } }, async (req, reply) => {
    const m = store.models.get(req.params.name);
    if (!m) throw new HttpError(404, `model '${req.params.name}' not found; this server holds ${[...store.models.keys()].join(', ')}`);
    return reply.type('application/octet-stream').send(createReadStream(m.entry.file));
  });

  app.get('/metrics', async (_req, reply) => {
    const models = [...store.models.values()];
    return reply.type(METRICS_CONTENT_TYPE).send(metrics.render([
      { name: 'repkit_model_ready', help: '1 when the model is loaded and serving.', values: models.map((m) => [{ model: m.name }, m.status === 'ready' ? 1 : 0]) },
    ]));
  });
}
