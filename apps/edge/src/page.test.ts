// The edge page in headless Chromium: built by build.mjs, served with a trained UMLS TransE export by the
// repkit server on 127.0.0.1, it runs a query on the wasm backend in the browser and shows the top-10 of
// `repkit kge score`; its digits panel classifies a drawn digit on both engines as Node does. Saves
// screenshots (paths printed). Skipped, with the reason, where Chromium is absent.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor, getBackend } from '@repkit/core';
import '@repkit/backend-onnxruntime';
import '@repkit/backend-wasm';
import { digitsSplit, loadDigits } from '@repkit/data';
import { importOnnx } from '@repkit/onnx';
import type { Page } from 'playwright-core';
import { digitFeatures } from './digit-pixels.ts';
import { centredTestDigit } from './digit-fixture.ts';
import { kgeScore } from '../../cli/src/commands/kge.ts';
import { umlsExport } from '../../server/src/fixture.ts';
import { createServer, type RepkitServer } from '../../server/src/server.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const root = fileURLToPath(new URL('../../../', import.meta.url));
const SHOT = join(root, 'out', 'edge', 'kge-umls.png');
const DIGITS_SHOT = join(root, 'out', 'edge', 'digits.png');

/** What the digits panel shows once its run is over: the 8×8 it fed, both classes and both probability columns. */
async function digitsShown(page: Page) {
  await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('digits-panel')!.dataset.status ?? ''), null, { timeout: 30_000 });
  const rows = await page.$$eval('#digit-probs tr', (trs) => trs.map((r) => Array.from(r.querySelectorAll('td.score')).map((td) => Number((td as HTMLElement).dataset.p))));
  return {
    status: await page.textContent('#digit-status'),
    pixels: (await page.getAttribute('#digit-seen', 'data-pixels'))!.split(',').map(Number),
    mine: rows.map((r) => r[0]!), theirs: rows.map((r) => r[1]!),
    cls: Number(await page.textContent('#digit-class')), peerCls: Number(await page.textContent('#digit-peer-class')),
  };
}

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

      expect(await page.textContent('#backend')).toMatch(/^wasm \(tfjs-backend-wasm 4\.22\.0, SIMD, 1 thread, repkit gemm\), float32$/);
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

  it('classifies a drawn digit on both engines as the Node-side model does', async () => {
    const { X, y } = loadDigits();
    const digit = centredTestDigit(X, y, digitsSplit().test);
    // The page's own file, run in Node on the same engine (wasm) and on onnxruntime.
    const graph = importOnnx(new Uint8Array(readFileSync(join(work, 'dist', 'models', 'digits.onnx'))));
    const [wasm, ort] = await Promise.all([getBackend('wasm'), getBackend('onnxruntime')].map(async (b) => (await b).compile(graph)));
    const inNode = async (pixels: readonly number[]) => {
      const x = new Tensor('float32', [1, 64], digitFeatures(pixels));
      const [w, o] = await Promise.all([wasm!.run({ x }), ort!.run({ x })]);
      return { cls: w.label!.data[0]!, probs: [...w.probs!.data], ortCls: o.label!.data[0]!, ortProbs: [...o.probs!.data] };
    };
    const agree = (s: Awaited<ReturnType<typeof digitsShown>>, node: Awaited<ReturnType<typeof inNode>>): void => {
      expect(s.status).toBe(`classified as ${s.cls}, run in this page`);
      expect(s.peerCls).toBe(s.cls);
      expect(s.mine).toHaveLength(10);
      s.theirs.forEach((p, k) => expect(Math.abs(p - s.mine[k]!)).toBeLessThanOrEqual(1e-4));
      expect(node.cls).toBe(s.cls);
      expect(node.ortCls).toBe(s.cls);
      expect(s.mine).toEqual(node.probs); // the same engine in Node gives the same floats
      node.ortProbs.forEach((p, k) => expect(Math.abs(p - s.mine[k]!)).toBeLessThanOrEqual(1e-4));
    };

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const problems: string[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 1200 } });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      await page.route(/^(?!http:\/\/127\.0\.0\.1:)/, (r) => (problems.push(`off-host request ${r.request().url()}`), r.abort()));
      await page.goto(`${base}/edge/?model=umls`);
      await page.waitForFunction(() => ['ready', 'error'].includes(document.getElementById('digits-panel')!.dataset.status ?? ''), null, { timeout: 60_000 });
      expect(await page.textContent('#digit-status')).toBe('draw a digit, 0 to 9');
      expect(await page.textContent('#digit-backend')).toMatch(/^wasm \(tfjs-backend-wasm 4\.22\.0, SIMD, 1 thread, repkit gemm\), float32$/);
      expect(await page.textContent('#digit-peer-name')).toMatch(/onnxruntime-web 1\.30\.0 \(wasm EP, 1 thread\)/);

      // A test-set digit painted as 20×20 blocks at its gray levels; the stroke's end (pointerup) classifies.
      await page.evaluate((pixels) => {
        const canvas = document.getElementById('digit-canvas') as HTMLCanvasElement, ctx = canvas.getContext('2d')!;
        pixels.forEach((v, k) => {
          ctx.fillStyle = `rgba(0, 0, 0, ${v / 16})`;
          ctx.fillRect((k % 8) * 20, Math.floor(k / 8) * 20, 20, 20);
        });
        canvas.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
      }, [...digit.pixels]);
      const painted = await digitsShown(page);
      expect(painted.pixels).toEqual([...digit.pixels]);
      const paintedNode = await inNode(painted.pixels);
      agree(painted, paintedNode);
      expect(painted.cls).toBe(digit.label);
      expect(await page.textContent('#digit-agree')).toMatch(/^yes, same class; probabilities within \d\.\de-\d+$/);
      expect(await page.textContent('#digit-time')).toMatch(/^\d+(\.\d+)? (ms|µs) \(1 image × 64 pixels\)$/);

      await page.click('#digit-clear');
      expect(await page.getAttribute('#digit-seen', 'data-pixels')).toBe('');
      expect(await page.$$('#digit-probs tr')).toHaveLength(0);
      expect(await page.textContent('#digit-status')).toBe('draw a digit, 0 to 9');

      // A 7 drawn with the mouse: one stroke, top bar then the diagonal.
      const box = (await page.locator('#digit-canvas').boundingBox())!;
      await page.mouse.move(box.x + 35, box.y + 30);
      await page.mouse.down();
      for (const [px, py] of [[125, 30], [100, 80], [75, 135]] as const) await page.mouse.move(box.x + px, box.y + py, { steps: 8 });
      await page.mouse.up();
      const drawn = await digitsShown(page);
      expect(drawn.pixels.some((v) => v > 0)).toBe(true);
      agree(drawn, await inNode(drawn.pixels));
      mkdirSync(join(root, 'out', 'edge'), { recursive: true });
      await page.locator('#digits-panel').screenshot({ path: DIGITS_SHOT });
      console.log(`digits panel screenshot: ${DIGITS_SHOT} (drawn 7 classified as ${drawn.cls})`);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      wasm?.dispose();
      ort?.dispose();
    }
  }, 120_000);
});
