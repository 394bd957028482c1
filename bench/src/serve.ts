// `npm run bench -- serve`: `repkit serve` (a child process on 127.0.0.1, random port) under autocannon
// load on POST /v1/kge/{model}/predict, at 1, 8 and 32 connections, batched (2 ms and 0 ms windows) and unbatched,
// then with 1 % malformed requests (unknown labels): those must get 4xx, the rest 2xx, the server must live.
// SERVE_SECONDS per run (default 60); SERVE_MODEL=<file.onnx> serves that export instead of training one.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectModel } from '@repkit/onnx';
import { umlsExport } from '../../apps/server/src/fixture.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(root, 'apps/cli/bin/repkit.js');
const CONCURRENCY = [1, 8, 32];

/** The part of autocannon's API and result used here (the package ships no types). */
interface Result {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
}
type Request = { method: 'POST'; path: string; headers: Record<string, string>; body: string };
type Autocannon = (o: { url: string; connections: number; duration: number; requests: Request[] }) => Promise<Result>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

function seconds(): number {
  const s = Number(process.env.SERVE_SECONDS ?? 60);
  if (!Number.isInteger(s) || s < 1 || s > 3600) throw new Error(`SERVE_SECONDS must be an integer in [1, 3600], got '${process.env.SERVE_SECONDS}'`);
  return s;
}

/** The export to serve: SERVE_MODEL, or UMLS TransE (20 epochs, d = 50) trained once into out/bench/serve/. */
async function model(): Promise<string> {
  const given = process.env.SERVE_MODEL;
  if (given) {
    if (!existsSync(given)) throw new Error(`SERVE_MODEL: no file '${given}'; pass an .onnx written by 'repkit kge export'`);
    return given;
  }
  const dir = join(root, 'out/bench/serve'), file = join(dir, 'models/umls.onnx');
  if (existsSync(file)) return file;
  console.log('serve: training TransE on UMLS (20 epochs, d = 50) for the served export…');
  return umlsExport(join(dir, 'models'), dir, { epochs: 20, dim: 50 });
}

interface Served { url: string; child: ChildProcess; stop(): Promise<number | null> }

/** `repkit serve` in a child process, resolved once it is listening and ready. */
async function serve(models: string, extra: string[]): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--models', models, '--port', '0', '--host', '127.0.0.1', '--quiet', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m && /ready \(/.test(out)) resolve(m[1]!);
      if (/NOT ready/.test(out)) reject(new Error(`repkit serve did not get ready:\n${out}`));
    });
    child.on('exit', () => reject(new Error(`repkit serve exited:\n${out}`)));
  });
  return { url, child, stop: () => (child.kill('SIGTERM'), exited) };
}

/** 100 predict requests, cycled by every connection; `bad` of them name an unknown head. */
function requests(model: string, entities: string[], relations: string[], bad: number): Request[] {
  return Array.from({ length: 100 }, (_, i) => {
    const head = bad > 0 && i % Math.round(100 / bad) === 0 ? `no_such_entity_${i}` : entities[(i * 7) % entities.length]!;
    const body = JSON.stringify({ head, relation: relations[(i * 3) % relations.length]!, top: 10 });
    return { method: 'POST', path: `/v1/kge/${model}/predict`, headers: { 'content-type': 'application/json' }, body };
  });
}

const pad = (s: string | number, n: number): string => String(s).padStart(n);

function line(label: string, c: number, r: Result): string {
  return `${label.padEnd(26)}${pad(c, 5)}${pad(r.requests.average.toFixed(0), 9)}${pad(r.latency.p50.toFixed(1), 9)}${pad(r.latency.p99.toFixed(1), 9)}${pad(r.errors + r.timeouts, 8)}${pad(r.non2xx, 9)}`;
}

export async function benchServe(): Promise<void> {
  const duration = seconds();
  const file = await model();
  const meta = inspectModel(new Uint8Array(readFileSync(file))).metadata;
  const entities = JSON.parse(meta['repkit.entities'] ?? '[]') as string[], relations = JSON.parse(meta['repkit.relations'] ?? '[]') as string[];
  const name = basename(file, '.onnx'), models = dirname(file);
  console.log(`serve: ${meta['repkit.model']} export '${name}' (${entities.length} entities), repkit serve on onnxruntime, loopback only, ${duration} s per run`);
  console.log(`${'server'.padEnd(26)}${pad('conn', 5)}${pad('req/s', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('errors', 8)}${pad('non-2xx', 9)}`);
  const clean = requests(name, entities, relations, 0);
  const rps: Record<string, number[]> = {};
  const configs = [
    ['batched, 2 ms window', []], ['batched, 0 ms window', ['--batch-window-ms', '0']], ['unbatched (--max-batch 1)', ['--max-batch', '1']],
  ] as const;
  for (const [label, extra] of configs) {
    const s = await serve(models, [...extra]);
    try {
      for (const c of CONCURRENCY) {
        const r = await autocannon({ url: s.url, connections: c, duration, requests: clean });
        (rps[label] ??= []).push(r.requests.average);
        console.log(line(label, c, r));
      }
    } finally {
      const code = await s.stop();
      if (code !== 0) console.log(`  (the server exited with ${code} on SIGTERM)`);
    }
  }
  const u = rps[configs[2][0]]!;
  for (const [label] of configs.slice(0, 2)) {
    console.log(`${label} / unbatched req/s: ${CONCURRENCY.map((c, i) => `${c} conn ×${(rps[label]![i]! / u[i]!).toFixed(2)}`).join(', ')}`);
  }

  // Malformed traffic: 1 % unknown labels must get 4xx, the rest 2xx, and the process must stay up.
  const s = await serve(models, []);
  try {
    const mixed = requests(name, entities, relations, 1);
    for (const c of CONCURRENCY) {
      const r = await autocannon({ url: s.url, connections: c, duration, requests: mixed });
      const total = r['2xx'] + r['4xx'] + r['5xx'];
      console.log(`${line('1 % malformed', c, r)}   4xx ${r['4xx']} (${((100 * r['4xx']) / Math.max(total, 1)).toFixed(2)} %), 5xx ${r['5xx']}`);
    }
    const live = await fetch(`${s.url}/v2/health/live`).then((r) => r.status, () => 0);
    console.log(`after malformed traffic: server ${s.child.exitCode === null && live === 200 ? 'alive (GET /v2/health/live 200)' : `DOWN (exit ${s.child.exitCode}, live ${live})`}`);
  } finally {
    await s.stop();
  }
}
