// The edge page in headless Chromium: built by build.mjs, served with a trained UMLS TransE export by the
// repkit server on 127.0.0.1, it runs a query on the wasm backend in the browser and shows the top-10 of
// `repkit kge score`. Saves a screenshot (path printed). Skipped, with the reason, where Chromium is absent.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import '@repkit/backend-wasm';
import { kgeScore } from '../../cli/src/commands/kge.ts';
import { umlsExport } from '../../server/src/fixture.ts';
import { createServer, type RepkitServer } from '../../server/src/server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const root = fileURLToPath(new URL('../../../', import.meta.url));
const SHOT = join(root, 'out', 'edge', 'kge-umls.png');

async function missing(): Promise<string> {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (install Debian's chromium or set CHROMIUM_PATH)`;
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (run npm ci)';
  }
  return '';
}
const skip = await missing();

describe.skipIf(Boolean(skip))(`edge page in headless Chromium${skip ? ` — skipped: ${skip}` : ''}`, () => {
  const work = mkdtempSync(join(tmpdir(), 'repkit-edge-'));
  let server: RepkitServer;
  let base = '', file = '';

  beforeAll(async () => {
    file = await umlsExport(join(work, 'models'), work);
    execFileSync(process.execPath, [join(root, 'apps/edge/build.mjs'), '--outdir', join(work, 'dist')], { stdio: 'pipe' });
    server = createServer({ modelsDir: join(work, 'models'), edgeDir: join(work, 'dist') });
    await server.loaded;
    base = await server.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('runs the model in the page and shows the top-10 of repkit kge score', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const problems: string[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      // Only loopback: anything else the page asks for is refused and recorded.
      await page.route(/^(?!http:\/\/127\.0\.0\.1:)/, (r) => (problems.push(`off-host request ${r.request().url()}`), r.abort()));
      await page.goto(`${base}/edge/?model=umls`);
      await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.status ?? ''), null, { timeout: 60_000 });
      expect(await page.textContent('#status')).toMatch(/umls loaded/);

      const [head, relation] = ['antibiotic', 'treats'];
      await page.selectOption('#head', head);
      await page.selectOption('#relation', relation);
      await page.click('#run');
      await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.status ?? ''), null, { timeout: 30_000 });
      expect(await page.textContent('#status')).toBe(`top 10 tails of (${head}, ${relation}), run in this page`);
      const shown = await page.$$eval('#predictions tr', (rows) => rows.map((r) => ({
        label: r.querySelector('td.label')!.textContent!, score: Number((r.querySelector('td.score') as HTMLElement).dataset.score),
      })));
      mkdirSync(join(root, 'out', 'edge'), { recursive: true });
      await page.screenshot({ path: SHOT, fullPage: true });
      console.log(`edge page screenshot: ${SHOT}`);

      // The same engine in Node gives the same floats; onnxruntime gives the same ranking.
      const wasm = await kgeScore(file, { head, relation, top: 10, backend: 'wasm' });
      expect(shown).toEqual(wasm.predictions);
      const ort = await kgeScore(file, { head, relation, top: 10, backend: 'onnxruntime' });
      expect(shown.map((p) => p.label)).toEqual(ort.predictions.map((p) => p.label));
      shown.forEach((p, i) => expect(p.score).toBeCloseTo(ort.predictions[i]!.score, 4));

      expect(await page.textContent('#backend')).toMatch(/^wasm \(tfjs-backend-wasm 4\.22\.0, (SIMD|no SIMD), 1 thread\), float32$/);
      expect(await page.textContent('#time')).toMatch(/^\d+(\.\d+)? (ms|µs) \(1 query × 135 candidates\)$/);
      // The onnxruntime-web peer runs the same file in the same page: the same top-10.
      expect(await page.isHidden('#peer-panel')).toBe(false);
      expect(await page.textContent('#peer-name')).toMatch(/onnxruntime-web 1\.30\.0/);
      expect(await page.textContent('#peer-agree')).toBe('yes, same top 10');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
