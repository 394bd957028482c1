// `repkit serve`: the server over a models folder until SIGTERM or SIGINT, then a graceful stop.
// The server module (fastify, onnxruntime) is imported when the command runs, not when the CLI starts.
import type { Command } from 'commander';

interface ServeFlags {
  models: string; port: string; host: string; backend: string; device?: string; strict?: boolean;
  maxBatch: string; batchWindowMs: string; bodyLimit: string; timeoutMs: string; threads: string; edge?: string; quiet?: boolean;
}

function intFlag(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min}, got '${value}'`);
  return n;
}

export function serveCommand(program: Command): void {
  // The repkit program already has the global --device and --strict; another program gets them here.
  const globalDevice = program.options.some((o) => o.long === '--device');
  const cmd = program.command('serve')
    .description('serve exported models over HTTP: KServe v2 / Triton protocol, POST /v1/kge/{model}/predict, GET /metrics')
    .requiredOption('--models <dir>', 'folder of .onnx exports (repkit kge export --out DIR/name.onnx) or a Triton repository (--triton DIR)')
    .option('--port <n>', 'port (0: any free one)', '8000')
    .option('--host <addr>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .option('--backend <name>', 'onnxruntime or wasm', 'onnxruntime')
    .option('--max-batch <n>', 'most rows merged into one run; 1 turns batching off', '64')
    .option('--batch-window-ms <ms>', 'how long a request waits for others to batch with (0: batch what queued during the previous run)', '0')
    .option('--body-limit <bytes>', 'largest request body (larger: 413)', String(1 << 20))
    .option('--timeout-ms <ms>', 'per-request deadline (past it: 504)', '30000')
    .option('--threads <n>', 'onnxruntime intra-op threads per model', '1')
    .option('--edge <dir>', 'also serve the edge page built by node apps/edge/build.mjs (apps/edge/dist) at /edge/')
    .option('--quiet', 'log warnings and errors only');
  if (!globalDevice) cmd.option('--device <device>', 'onnxruntime execution provider: auto, cuda or cpu', 'auto').option('--strict', 'fail instead of falling back to cpu');
  cmd.action(async (_o: ServeFlags, c: Command) => serve(c.optsWithGlobals<ServeFlags>()));
}

async function serve(o: ServeFlags): Promise<void> {
  if (o.backend !== 'onnxruntime' && o.backend !== 'wasm') throw new Error(`--backend must be onnxruntime or wasm, got '${o.backend}'`);
  const device = o.device ?? 'auto';
  if (device !== 'auto' && device !== 'cuda' && device !== 'cpu') throw new Error(`--device must be auto, cuda or cpu, got '${device}'`);
  const window = Number(o.batchWindowMs);
  if (!(window >= 0) || !Number.isFinite(window)) throw new Error(`--batch-window-ms must be a number ≥ 0, got '${o.batchWindowMs}'`);
  const { createServer } = await import('./server.ts');
  const server = createServer({
    modelsDir: o.models, backend: o.backend, device, strict: Boolean(o.strict),
    maxBatch: intFlag('--max-batch', o.maxBatch, 1), batchWindowMs: window, bodyLimit: intFlag('--body-limit', o.bodyLimit, 1),
    timeoutMs: intFlag('--timeout-ms', o.timeoutMs, 1), threads: intFlag('--threads', o.threads, 1), edgeDir: o.edge,
    logger: { level: o.quiet ? 'warn' : 'info' },
  });
  const url = await server.listen({ port: intFlag('--port', o.port, 0), host: o.host });
  console.log(`repkit serve: listening on ${url} (models: ${[...server.store.models.keys()].join(', ')}; loading)`);
  // A bug that escapes a request must be logged, not take the other requests down with the process.
  const onStray = (e: unknown): void => server.app.log.error({ err: e }, 'unhandled rejection');
  process.on('unhandledRejection', onStray);
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      console.log(`repkit serve: ${signal}: no new connections; finishing requests in flight`);
      // In-flight requests end by their deadline at the latest; past that, exit anyway.
      const force = setTimeout(() => {
        console.error('repkit serve: requests still running after the timeout; exiting');
        process.exit(1);
      }, intFlag('--timeout-ms', o.timeoutMs, 1) + 5000);
      force.unref();
      server.close().then(() => resolve(), (e: Error) => {
        console.error(`repkit serve: close failed: ${e.message}`);
        process.exitCode = 1;
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await server.loaded;
  const failed = [...server.store.models.values()].filter((m) => m.status === 'failed');
  console.log(failed.length === 0 ? `repkit serve: ready (${server.store.models.size} models)` : `repkit serve: NOT ready: ${failed.map((m) => `${m.name}: ${m.reason}`).join('; ')}`);
  await stopped;
  process.off('unhandledRejection', onStray);
  console.log('repkit serve: stopped');
}
