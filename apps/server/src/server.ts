// createServer: a fastify app over the models of a folder, on onnxruntime (cuda or cpu) or wasm, with
// JSON-schema validation, JSON errors everywhere, dynamic batching, metrics and graceful close.
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Backend } from '@repkit/core';
import { Metrics } from './metrics.ts';
import { ModelStore, scanModels } from './models.ts';
import { registerRoutes } from './routes.ts';
import { serveStatic } from './static.ts';

export interface ServerOptions {
  /** Folder of name.onnx exports, or a Triton repository (name/<version>/model.onnx + config.pbtxt). */
  modelsDir: string;
  /** 'onnxruntime' (default), 'wasm', or a Backend you configured. */
  backend?: 'onnxruntime' | 'wasm' | Backend;
  /** onnxruntime execution provider (default 'auto': cuda when installed, else cpu). */
  device?: 'cuda' | 'cpu' | 'auto';
  /** Fail loading instead of falling back to cpu when cuda cannot be used (default false). */
  strict?: boolean;
  /** onnxruntime intra-op threads per model (default 1). */
  threads?: number;
  /** Most rows merged into one run (default 64); 1 turns batching off. */
  maxBatch?: number;
  /** How long a request waits for others to batch with, in ms (default 2). */
  batchWindowMs?: number;
  /** Largest request body in bytes (default 1 MiB); larger ones get 413. */
  bodyLimit?: number;
  /** Per-request deadline in ms (default 30000); past it the request gets 504. */
  timeoutMs?: number;
  /** fastify's logger option: false (default), true, or pino options. */
  logger?: FastifyServerOptions['logger'];
  /** A built edge page folder (apps/edge/dist) to serve at /edge/. */
  edgeDir?: string;
}

export interface RepkitServer {
  app: FastifyInstance;
  store: ModelStore;
  metrics: Metrics;
  /** Settles when every model has loaded or failed (never rejects; see store for failures). */
  loaded: Promise<void>;
  /** Start listening (default 127.0.0.1:8000; port 0 picks a free one) and return the base URL. */
  listen(opts?: { port?: number; host?: string }): Promise<string>;
  /** Stop accepting, finish in-flight requests, release the sessions. */
  close(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function int(name: string, v: unknown, min: number, fix: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new Error(`createServer: ${name} must be an integer ≥ ${min}, got ${String(v)}; ${fix}`);
  return v;
}

/** Build the server and start loading its models; requests meanwhile answer 503. */
export function createServer(opts: ServerOptions): RepkitServer {
  if (!opts || typeof opts !== 'object') throw new Error('createServer: pass options, e.g. { modelsDir: "models" }');
  const { backend = 'onnxruntime', device = 'auto', strict = false, logger = false } = opts;
  if (typeof backend === 'string' && backend !== 'onnxruntime' && backend !== 'wasm') {
    throw new Error(`createServer: backend must be 'onnxruntime' or 'wasm' (or a Backend instance), got '${backend}'`);
  }
  if (device !== 'cuda' && device !== 'cpu' && device !== 'auto') throw new Error(`createServer: device must be 'cuda', 'cpu' or 'auto', got '${String(device)}'`);
  const maxBatch = int('maxBatch', opts.maxBatch ?? 64, 1, 'use 1 to turn batching off');
  const threads = int('threads', opts.threads ?? 1, 1, 'onnxruntime intra-op threads per model');
  const bodyLimit = int('bodyLimit', opts.bodyLimit ?? 1 << 20, 1, 'it is in bytes');
  const timeoutMs = int('timeoutMs', opts.timeoutMs ?? 30_000, 1, 'it is in milliseconds');
  const batchWindowMs = opts.batchWindowMs ?? 0; // measured: a 2 ms window cost 3× throughput at 1 connection (bench serve)
  if (typeof batchWindowMs !== 'number' || !(batchWindowMs >= 0) || !Number.isFinite(batchWindowMs)) {
    throw new Error(`createServer: batchWindowMs must be a number ≥ 0, got ${String(batchWindowMs)}; 0 runs as soon as the model is free`);
  }
  const store = new ModelStore(scanModels(opts.modelsDir));
  const metrics = new Metrics();

  const app = Fastify({
    logger, bodyLimit, requestTimeout: timeoutMs, return503OnClosing: true, forceCloseConnections: 'idle',
    logController: new LogController({ disableRequestLogging: true }),
    // Types are checked, never coerced: "1" is not an INT32 and an unknown field is an error, not dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } },
    schemaErrorFormatter: (errors, dataVar) => new Error(errors.map((e) => {
      const extra = (e.params as { additionalProperty?: string }).additionalProperty;
      return `${dataVar}${e.instancePath.replace(/\//g, '.')} ${e.message ?? 'is invalid'}${extra ? ` ('${extra}')` : ''}`;
    }).join('; ')),
  });

  // Bodies are JSON only: a text/plain body gets 415 naming the fix, not a confusing schema error.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    let message = err.message;
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = `request body is larger than the ${bodyLimit}-byte limit; send fewer rows per request, or start the server with a larger --body-limit`;
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') message = `${err.message}; send Content-Type: application/json`;
    else if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') message = 'the body is empty; send a JSON object';
    else if (err instanceof SyntaxError && status === 400) message = `the body is not valid JSON: ${err.message}`;
    if (status >= 500) req.log.error({ err }, 'request failed');
    return reply.code(status).send({ error: status === 500 && !err.message ? 'internal error' : message });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({
    error: `no route ${req.method} ${req.url.split('?')[0]}; try GET /v2/health/ready, GET /v2/models/{name}, POST /v2/models/{name}/infer, POST /v1/kge/{model}/predict, GET /metrics`,
  }));
  app.addHook('onResponse', async (req, reply) => {
    metrics.observeRequest(req.routeOptions.url ?? 'unmatched', req.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  registerRoutes(app, { store, metrics, timeoutMs, version: VERSION });
  if (opts.edgeDir !== undefined) serveStatic(app, '/edge', opts.edgeDir);
  // While closing, answers end their keep-alive connection, so close() need not wait for clients to hang up.
  let closing = false;
  app.addHook('preClose', async () => { closing = true; });
  app.addHook('onSend', async (_req, reply) => { if (closing) reply.header('connection', 'close'); });
  app.addHook('onClose', async () => store.dispose());

  const makeBackend = async (): Promise<Backend> => {
    if (typeof backend === 'object') return backend;
    if (backend === 'wasm') return (await import('@repkit/backend-wasm')).WasmBackend.create();
    const { OrtBackend } = await import('@repkit/backend-onnxruntime');
    return new OrtBackend({ device, strict, threads, logger: (m) => app.log.warn(m) });
  };
  const loaded = store.loadAll(makeBackend, {
    maxBatch, batchWindowMs, onBatch: (model, rows, n) => metrics.observeBatch(model, rows, n),
  }, (m) => app.log.warn(m));

  return {
    app, store, metrics, loaded,
    async listen({ port = 8000, host = '127.0.0.1' } = {}) {
      await app.listen({ port, host });
      const a = app.server.address();
      if (!a || typeof a === 'string') return String(a);
      return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
    },
    async close() {
      await loaded; // a session still opening would otherwise outlive the close
      await app.close();
    },
  };
}
