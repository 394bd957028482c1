// `repkit serve` as a process: it serves, and on SIGTERM stops accepting, finishes the request in flight
// and exits 0; bad flags exit 2 with a message naming the flag.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { umlsExport } from './fixture.ts';

const BIN = fileURLToPath(new URL('../../cli/bin/repkit.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'repkit-serve-'));
const modelsDir = join(work, 'models');

beforeAll(() => umlsExport(modelsDir, work), 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('repkit serve', () => {
  it('serves until SIGTERM, then finishes the request in flight and exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--models', modelsDir, '--port', '0', '--batch-window-ms', '400', '--quiet', '--device', 'cpu'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        const m = /listening on (\S+)/.exec(out);
        if (m && /ready \(1 models\)/.test(out)) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`repkit serve exited early:\n${out}\n${err}`)));
    });
    expect((await fetch(`${url}/v2/health/ready`)).status).toBe(200);
    const head = 'acquired_abnormality', relation = 'affects';
    const inFlight = fetch(`${url}/v1/kge/umls/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ head, relation }) });
    await new Promise((r) => setTimeout(r, 150)); // it waits in the 400 ms batch window
    child.kill('SIGTERM');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { predictions: unknown[] }).predictions).toHaveLength(10);
    expect(await exited).toBe(0);
    expect(out).toMatch(/SIGTERM: no new connections; finishing requests in flight\n.*stopped/s);
  }, 60_000);

  it('exits 2 naming the flag and the fix', async () => {
    const run = (...args: string[]) => promisify(execFile)(process.execPath, [BIN, 'serve', ...args]).then(
      () => ({ code: 0, err: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, err: e.stderr.trim().split('\n').at(-1) }),
    );
    const results = await Promise.all([
      run('--models', modelsDir, '--max-batch', '0'),
      run('--models', join(work, 'missing')),
      run('--models', modelsDir, '--backend', 'tpu'),
    ]);
    expect(results).toEqual([
      { code: 2, err: "repkit: --max-batch must be an integer ≥ 1, got '0'" },
      { code: 2, err: `repkit: modelsDir: '${join(work, 'missing')}' is not a folder; pass the folder holding .onnx exports (repkit kge export --out DIR/name.onnx) or a Triton repository (--triton DIR)` },
      { code: 2, err: "repkit: --backend must be onnxruntime or wasm, got 'tpu'" },
    ]);
  }, 60_000);
});
