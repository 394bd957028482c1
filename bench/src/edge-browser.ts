// The browser side of `npm run bench -- edge`, bundled by edge-chromium.ts next to the built edge page:
// the same queries and timing as in Node, started by Playwright through globalThis.runEdgeBench.
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';
import { WasmBackend } from '../../apps/edge/src/repkit.ts';
import type { OrtWeb } from '../../apps/edge/src/peer-ort.ts';
import { edgeQueries, type EdgeInputs } from './edge-engines.ts';
import { measure, type Row } from './edge-measure.ts';

export interface BrowserConfig {
  query: EdgeInputs['query'];
  images: number[];
  batch: number;
  rounds: { small: number; batch: number };
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`bench edge (browser): fetching ${url} gave HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The smallest step performance.now takes here, in µs. */
function timerStep(): number {
  let step = Infinity;
  for (let i = 0; i < 2000; i++) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    step = Math.min(step, b - a);
  }
  return step * 1000;
}

async function runEdgeBench(c: BrowserConfig): Promise<{ rows: Row[]; timerUs: number }> {
  if (!crossOriginIsolated) throw new Error('bench edge (browser): the page is not cross-origin isolated, so performance.now is coarsened to 0.1 ms; serve it with COOP/COEP headers');
  // Isolation would let tfjs pick its threaded build; the edge page, served without isolation, runs the plain SIMD one.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // The .wasm files lie where build.mjs puts them for the page: wasm/ (tfjs) and ort/ (onnxruntime-web).
  const backend = await WasmBackend.create({ wasmPaths: new URL('wasm/', location.href).href });
  const inputs = { kge: await fetchBytes('models/umls.onnx'), digits: await fetchBytes('models/digits.onnx'), query: c.query, images: c.images };
  const rows: Row[] = [];
  for (const q of await edgeQueries(ort as unknown as OrtWeb, new URL('ort/', location.href).href, backend, inputs, c.batch)) {
    rows.push(...(await measure(q.name, q.detail, q.engines, q.name.includes('batch') ? c.rounds.batch : c.rounds.small)));
  }
  return { rows, timerUs: timerStep() };
}

(globalThis as { runEdgeBench?: typeof runEdgeBench }).runEdgeBench = runEdgeBench;
