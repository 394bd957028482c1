// `npm run bench -- edge`: per-query latency of repkit's wasm backend against onnxruntime-web (wasm EP) on
// the same exported .onnx files, in Node and in headless Chromium, single-threaded, as ratios (wasm /
// onnxruntime-web; target ≤ 1.5×): TransE UMLS top-10 tails of one (head, relation) as the edge page
// asks, and the page's digits MLP on one image and on a batch. Then where repkit's time goes, in Node.
// EDGE_ROUNDS scales the number of runs (default 1); Chromium is skipped, with the reason, where absent.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor } from '@repkit/core';
import { WasmBackend } from '@repkit/backend-wasm';
import { digitsSplit, loadDigits } from '@repkit/data';
import { inspectModel } from '@repkit/onnx';
import { umlsExport } from '../../apps/server/src/fixture.ts';
import { kgeFeeds, kgeLabels, topPredictions } from '../../apps/edge/src/repkit.ts';
import type { OrtWeb } from '../../apps/edge/src/peer-ort.ts';
import { edgeQueries, type EdgeInputs } from './edge-engines.ts';
import { measure, type Row } from './edge-measure.ts';
import { chromiumMissing, inChromium } from './edge-chromium.ts';
import { fixedCost, profileQuery } from './edge-profile.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, 'out/bench/edge'), dist = join(dir, 'dist');
const BATCH = 256, TARGET = 1.5;
const QUERY = { head: 'antibiotic', relation: 'treats' };

/** Runs per engine: single queries, so many; the batch, fewer. EDGE_ROUNDS scales both (default 1). */
function rounds(): { small: number; batch: number } {
  const f = Number(process.env.EDGE_ROUNDS ?? 1);
  if (!(f > 0 && f <= 20)) throw new Error(`EDGE_ROUNDS must be a factor in (0, 20] on 2001 single-query and 201 batch runs, got '${process.env.EDGE_ROUNDS}'`);
  return { small: Math.max(11, Math.round(2001 * f)), batch: Math.max(11, Math.round(201 * f)) };
}

/** onnxruntime-web's Node build, loaded only by this bench (the other benches run onnxruntime-node). */
const ortWeb = async (): Promise<OrtWeb> => (await import('onnxruntime-web')) as unknown as OrtWeb;

/** The edge page built into out/bench/edge/dist (it trains models/digits.onnx), with a UMLS TransE export beside it. */
async function prepare(): Promise<EdgeInputs> {
  const umls = join(dir, 'models/umls.onnx');
  if (!existsSync(umls)) {
    console.log('edge: training TransE on UMLS (20 epochs, d = 50) for the exported KGE model…');
    await umlsExport(join(dir, 'models'), dir, { epochs: 20, dim: 50 });
  }
  execFileSync(process.execPath, [join(root, 'apps/edge/build.mjs'), '--outdir', dist], { stdio: 'pipe' });
  copyFileSync(umls, join(dist, 'models/umls.onnx'));
  const { X } = loadDigits();
  const test = digitsSplit().test.slice(0, BATCH);
  const images = Array.from(test).flatMap((i) => Array.from(X.data.subarray(i * 64, i * 64 + 64), (v) => Math.round(v * 16)));
  const read = (f: string): Uint8Array => new Uint8Array(readFileSync(join(dist, 'models', f)));
  return { kge: read('umls.onnx'), digits: read('digits.onnx'), query: QUERY, images };
}

async function inNode(inputs: EdgeInputs, runs: { small: number; batch: number }): Promise<Row[]> {
  const backend = await WasmBackend.create({ threads: 1 });
  const rows: Row[] = [];
  for (const q of await edgeQueries(await ortWeb(), undefined, backend, inputs, BATCH)) rows.push(...(await measure(q.name, q.detail, q.engines, q.name.includes('batch') ? runs.batch : runs.small)));
  return rows;
}

function print(where: string, rows: readonly Row[]): void {
  for (const query of [...new Set(rows.map((x) => x.query))]) {
    const [w, o] = [rows.find((x) => x.query === query && x.engine === 'wasm')!, rows.find((x) => x.query === query && x.engine === 'ort-web')!];
    const ratio = w.us / o.us;
    const line = (x: Row, tail: string): string =>
      `  ${where.padEnd(8)} ${query.padEnd(17)} ${x.label.padEnd(57)} ${x.us.toFixed(1).padStart(7)} µs/query (quartiles ${x.p25.toFixed(1)}–${x.p75.toFixed(1)})`.padEnd(136) + tail;
    console.log(line(w, `${ratio.toFixed(2)}× onnxruntime-web (lower quartiles ${(w.p25 / o.p25).toFixed(2)}×): target ${ratio <= TARGET ? 'met' : 'NOT met'}`));
    console.log(line(o, '1.00×'));
  }
}

/** Where the time goes on repkit wasm in Node, per query, and the fixed cost of a run on both engines. */
async function profile(inputs: EdgeInputs): Promise<void> {
  const backend = await WasmBackend.create({ threads: 1 });
  const labels = kgeLabels(inspectModel(inputs.kge).metadata, 'umls.onnx')!;
  console.log('where the time goes, repkit wasm in Node (µs per query, fastest of 500 runs and per node; each lowering call timed, so runs read a little high):');
  console.log(`  ${await profileQuery(backend, 'kge predict', inputs.kge, () => kgeFeeds(labels, inputs.query).feeds, (o) => topPredictions(o.tails!.data, labels.entities, 10), ['tails'])}`);
  for (const n of [1, BATCH]) {
    const data = Float32Array.from(inputs.images.slice(0, n * 64), (v) => v / 16);
    const x = () => ({ x: new Tensor('float32', [n, 64], data) });
    console.log(`  ${await profileQuery(backend, n === 1 ? 'digits, 1 image' : `digits, batch ${n}`, inputs.digits, x, (o) => o.label!.data[0])}`);
  }
  const fixed = await fixedCost(backend, await ortWeb());
  console.log(`  one run of a one-op graph (y = x + 1, float32 [1]): repkit wasm ${fixed.wasm.toFixed(1)} µs, onnxruntime-web ${fixed.ortWeb.toFixed(1)} µs`);
}

export async function benchEdge(): Promise<void> {
  const ROUNDS = rounds();
  const inputs = await prepare();
  const load = loadavg()[0]!;
  const node = await inNode(inputs, ROUNDS);
  const skip = await chromiumMissing();
  const browser = skip ? null : await inChromium(dist, root, { query: inputs.query, images: inputs.images, batch: BATCH, rounds: ROUNDS });
  console.log('bench edge: per-query latency, repkit wasm vs onnxruntime-web (wasm EP) on the same .onnx files, single-threaded; after a warm-up the');
  console.log(`  engines alternate run by run (order rotating), ${ROUNDS.small} runs each (batch: ${ROUNDS.batch}); medians of single-query wall times (Chromium: the`);
  console.log(`  page cross-origin isolated for finer performance.now steps${browser ? `, ${browser.timerUs.toFixed(1)} µs here` : ''}; tfjs kept on its unthreaded SIMD build, as on the edge page).`);
  console.log(`  Node ${process.versions.node}${browser ? `; Chromium ${browser.version}` : ''}; 1-min load average ${load.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (where other processes`);
  console.log(`  land inside runs, a run of milliseconds is hit more often than one of microseconds: the lower quartiles show it). Target wasm ≤ ${TARGET}× onnxruntime-web`);
  for (const [name, detail] of new Map(node.map((x) => [x.query, x.detail]))) console.log(`  ${name}: ${detail}`);
  print('node', node);
  if (browser) print('chromium', browser.rows);
  else console.log(`  chromium: skipped (${skip})`);
  await profile(inputs);
}
