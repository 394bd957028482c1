// The wasm module loads unchanged in headless Chromium, in a page and in a worker, and gives the same
// bytes as in Node (wasm and TypeScript). Skipped, with the reason, where Chromium is absent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WASM_MODULE, kernels } from './index.ts';
import { workload } from './workload.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const srcDir = fileURLToPath(new URL('.', import.meta.url));

async function missing(): Promise<string> {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`;
  for (const m of ['playwright-core', 'esbuild']) {
    try { await import(m); } catch { return `${m} is not installed (a devDependency of @repkit/kernels: run npm ci)`; }
  }
  return '';
}
const skip = await missing();

/** Page and worker scripts: each runs the workload on loadWasmKernels('/kernels.wasm'). */
async function bundle(): Promise<{ page: string; worker: string }> {
  const { build } = await import('esbuild');
  const common = `import { loadWasmKernels } from './browser.ts'; import { workload } from './workload.ts';`;
  const make = async (contents: string) => (await build({
    stdin: { contents: `${common}\n${contents}`, resolveDir: srcDir, loader: 'ts' },
    bundle: true, format: 'esm', platform: 'browser', write: false, target: 'es2022',
  })).outputFiles[0]!.text;
  return {
    page: await make(`(globalThis as any).run = async () => workload(await loadWasmKernels('/kernels.wasm'));`),
    worker: await make(`loadWasmKernels(new URL('/kernels.wasm', location.href)).then((k) => postMessage(workload(k)), (e) => postMessage({ error: String(e) }));`),
  };
}

describe.skipIf(Boolean(skip))('wasm kernels in headless Chromium', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    const { page, worker } = await bundle();
    const files: Record<string, [string, string | Buffer]> = {
      '/': ['text/html', '<!doctype html><script type="module" src="/page.js"></script>'],
      '/page.js': ['text/javascript', page],
      '/worker.js': ['text/javascript', worker],
      '/kernels.wasm': ['application/wasm', readFileSync(WASM_MODULE)],
    };
    server = createServer((req, res) => {
      const f = files[req.url ?? ''];
      res.writeHead(f ? 200 : 404, { 'content-type': f ? f[0] : 'text/plain' }).end(f ? f[1] : 'not found');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => (server ? server.close(() => ok()) : ok())));

  it('gives Node\'s bytes in a page and in a worker', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/`);
      await page.waitForFunction(() => typeof (globalThis as { run?: unknown }).run === 'function');
      const inPage = await page.evaluate(() => (globalThis as unknown as { run(): Promise<Record<string, string>> }).run());
      const inWorker = await page.evaluate(() => new Promise((ok) => {
        const w = new Worker('/worker.js', { type: 'module' });
        w.onmessage = (m) => ok(m.data);
        w.onerror = (e) => ok({ error: e.message });
      }));
      const node = workload(kernels('wasm'));
      expect(node).toEqual(workload(kernels('typescript')));
      expect(inPage).toEqual(node);
      expect(inWorker).toEqual(node);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

if (skip) it.skip(`browser test skipped: ${skip}`, () => {});
