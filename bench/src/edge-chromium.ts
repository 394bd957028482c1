// The Chromium half of `npm run bench -- edge`: edge-browser.ts bundled into the built edge page's folder,
// served on 127.0.0.1 cross-origin isolated (COOP/COEP), which gives performance.now 5 µs steps instead
// of 0.1 ms, fine enough to time single queries; run in headless Chromium.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { BrowserConfig } from './edge-browser.ts';
import type { Row } from './edge-measure.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Why Chromium cannot run here, or ''. */
export async function chromiumMissing(): Promise<string> {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (install Debian's chromium or set CHROMIUM_PATH)`;
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (run npm ci)';
  }
  return '';
}

/** `folder` over HTTP on 127.0.0.1 (a random port), files only, cross-origin isolated. */
async function serveFolder(folder: string): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const file = resolve(folder, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1));
    if (!file.startsWith(folder + sep) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp',
    }).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

/** Run the bench page on `dist` (the built edge page with models/umls.onnx and models/digits.onnx); its rows and Chromium's version. */
export async function inChromium(dist: string, root: string, config: BrowserConfig): Promise<{ version: string; rows: Row[]; timerUs: number }> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'bench/src/edge-browser.ts')], outfile: join(dist, 'bench.js'), bundle: true, format: 'esm',
    platform: 'browser', target: 'es2022', minify: true, logLevel: 'warning',
    external: ['node:*'], // backend-wasm's lazy default-path import, never reached: wasmPaths is given
  });
  writeFileSync(join(dist, 'bench.html'), '<!doctype html><meta charset="utf-8"><title>repkit edge bench</title><script type="module" src="./bench.js"></script>\n');
  const { chromium } = await import('playwright-core');
  const server = await serveFolder(resolve(dist));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}bench.html`);
    await page.waitForFunction(() => 'runEdgeBench' in globalThis, null, { timeout: 30_000 }).catch(() => {
      throw new Error(`bench edge: bench.js did not start in Chromium${errors.length ? `: ${errors.join('; ')}` : ''}`);
    });
    type Page = { runEdgeBench(c: BrowserConfig): Promise<{ rows: Row[]; timerUs: number }> };
    const r = await page.evaluate((c) => (globalThis as unknown as Page).runEdgeBench(c), config);
    return { version: browser.version(), ...r };
  } finally {
    await browser.close();
    server.close();
  }
}
