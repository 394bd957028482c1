// The queries of `npm run bench -- edge`, each on repkit's wasm backend and on onnxruntime-web (wasm EP),
// run through the edge page's own code paths. Browser-safe: Node and headless Chromium both run this file;
// an engine's time(n) runs n queries and returns wall ms per query.
import {
  Tensor, importOnnx, inspectModel, kgeFeeds, kgeLabels, topPredictions, type Feeds, type WasmBackend,
} from '../../apps/edge/src/repkit.ts';
import { ortPeer, type OrtWeb, type Peer, type PeerFeed } from '../../apps/edge/src/peer-ort.ts';
import type { Engine } from './stats.ts';

/** What both sides of the bench get: the two exports and the digits to classify (pixels 0..16, row by row). */
export interface EdgeInputs {
  kge: Uint8Array;
  digits: Uint8Array;
  /** (head, relation) of the KGE query. */
  query: { head: string; relation: string };
  /** 64 pixels per image; the first image is the single-image query, all of them the batch. */
  images: number[];
}

export interface Query {
  name: string;
  detail: string;
  engines: [Engine, Engine];
}

const asPeer = (feeds: Feeds): Record<string, PeerFeed> =>
  Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { data: t.data as Int32Array | Float32Array, dims: t.shape }]));

function engine(name: string, label: string, once: () => Promise<void>): Engine {
  return {
    name, label,
    async time(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await once();
      return (performance.now() - t0) / n;
    },
  };
}

/** Both engines must give the same answer before either is timed. */
function check(what: string, ok: boolean, detail: string): void {
  if (!ok) throw new Error(`bench edge: ${what}: repkit wasm and onnxruntime-web disagree (${detail}); fix the lowering before timing it`);
}

async function kgeQuery(backend: WasmBackend, peer: Peer, bytes: Uint8Array, q: EdgeInputs['query'], ortLabel: string): Promise<Query> {
  const labels = kgeLabels(inspectModel(bytes).metadata, 'kge model');
  if (!labels) throw new Error('bench edge: the KGE file has no repkit.kind = kge metadata; export it with repkit kge export');
  const exe = await backend.compile(importOnnx(bytes));
  const { side, feeds } = kgeFeeds(labels, q);
  // As the page: the query's feeds, one run, the top 10 labelled on the host.
  const mine = async () => topPredictions((await exe.run(kgeFeeds(labels, q).feeds, { outputs: [side] }))[side]!.data, labels.entities, 10);
  const theirs = async () => topPredictions((await peer.run(asPeer(kgeFeeds(labels, q).feeds), [side])).outputs[side]!, labels.entities, 10);
  const [a, b] = [await mine(), await theirs()];
  check('kge', a.every((p, i) => p.label === b[i]!.label), `${a.map((p) => p.label).join(',')} vs ${b.map((p) => p.label).join(',')}`);
  return {
    name: 'kge predict',
    detail: `${labels.model} ${labels.entities.length} entities, top-10 ${side} of (${q.head}, ${q.relation}), ${Object.keys(feeds).join('/')} int32 [1]`,
    engines: [engine('wasm', backend.describe(), async () => void (await mine())), engine('ort-web', ortLabel, async () => void (await theirs()))],
  };
}

async function digitsQuery(backend: WasmBackend, peer: Peer, bytes: Uint8Array, images: readonly number[], n: number, ortLabel: string): Promise<Query> {
  if (images.length < n * 64) throw new Error(`bench edge: images holds ${images.length / 64} digits, the batch needs ${n}`);
  const exe = await backend.compile(importOnnx(bytes));
  // The scaled pixels are made once: per query both engines only wrap them, as a server would a request body.
  const data = Float32Array.from(images.slice(0, n * 64), (v) => v / 16);
  const x = () => new Tensor('float32', [n, 64], data);
  // As the page: one run on the input, the probabilities and classes read back.
  const mine = async () => {
    const o = await exe.run({ x: x() });
    return { probs: o.probs!.data as Float32Array, label: o.label!.data as Int32Array };
  };
  const theirs = async () => {
    const o = (await peer.run(asPeer({ x: x() }), ['probs', 'label'])).outputs;
    return { probs: o.probs as Float32Array, label: o.label as Int32Array };
  };
  const [a, b] = [await mine(), await theirs()];
  const diff = Math.max(...Array.from(a.probs, (v, k) => Math.abs(v - b.probs[k]!)));
  check(`digits ×${n}`, diff <= 1e-4 && a.label.every((c, k) => c === b.label[k]), `max |Δp| ${diff.toExponential(1)}`);
  return {
    name: n === 1 ? 'digits, 1 image' : `digits, batch ${n}`,
    detail: `MLP 64-256-256-10, x float32 [${n}, 64] → probs [${n}, 10], label [${n}]`,
    engines: [engine('wasm', backend.describe(), async () => void (await mine())), engine('ort-web', ortLabel, async () => void (await theirs()))],
  };
}

/** The three queries, each with its two engines ready (compiled, sessions created, answers checked). */
export async function edgeQueries(ort: OrtWeb, ortWasmPaths: string | undefined, backend: WasmBackend, inputs: EdgeInputs, batch: number): Promise<Query[]> {
  const [kgePeer, digitsPeer] = [await ortPeer(ort, ortWasmPaths, inputs.kge), await ortPeer(ort, ortWasmPaths, inputs.digits)];
  const ortLabel = `${kgePeer.name.replace(/ \(wasm EP, 1 thread\)$/, '')} (wasm EP, SIMD, 1 thread), float32`;
  return [
    await kgeQuery(backend, kgePeer, inputs.kge, inputs.query, ortLabel),
    await digitsQuery(backend, digitsPeer, inputs.digits, inputs.images, 1, ortLabel),
    await digitsQuery(backend, digitsPeer, inputs.digits, inputs.images, batch, ortLabel),
  ];
}
