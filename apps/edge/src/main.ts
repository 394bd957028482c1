// The edge page: fetch an exported KGE model, import it with repkit and run it on the wasm backend in
// this page; pick a head and a relation, see the top tails, the backend and the inference time. The
// digits panel (digits-panel.ts) shares the engine and the peer.
import { WasmBackend, importOnnx, inspectModel, kgeFeeds, kgeLabels, topPredictions, type Executable, type Feeds, type KgeLabels, type Prediction } from './repkit.ts';
import type { Peer, PeerFeed } from './peer-ort.ts';
import { peerFactory } from './peers.ts';
import { startDigits } from './digits-panel.ts';
import { $, fmt } from './dom.ts';

interface Source { name: string; url: string }
interface Loaded { source: Source; labels: KgeLabels; exe: Executable; peer: Peer | null }

/** The page's state for people and for tests: loading, ready, running, done or error. */
function setStatus(state: 'loading' | 'ready' | 'running' | 'done' | 'error', text: string): void {
  document.body.dataset.status = state;
  $('status').textContent = text;
  $<HTMLButtonElement>('run').disabled = state === 'loading' || state === 'running';
}

/** ?url=<file.onnx> loads that file; otherwise the KGE models listed by the repkit server that serves this page. */
async function sources(): Promise<Source[]> {
  const params = new URLSearchParams(location.search);
  const url = params.get('url');
  if (url) return [{ name: url.split('/').pop() ?? url, url }];
  const res = await fetch('/v1/models').catch(() => null);
  if (!res?.ok) throw new Error(`GET /v1/models failed${res ? ` (HTTP ${res.status})` : ''}: open this page from 'repkit serve --edge apps/edge/dist', or pass ?url=<model.onnx>`);
  const list = ((await res.json()) as { models: { name: string; kind?: string; file: string }[] }).models.filter((m) => m.kind === 'kge');
  if (list.length === 0) throw new Error("the server holds no KGE model; export one with 'repkit kge export --out DIR/name.onnx' and serve DIR");
  const want = params.get('model');
  return list.map((m) => ({ name: m.name, url: m.file })).sort((a, b) => Number(b.name === want) - Number(a.name === want));
}

function fill(select: HTMLSelectElement, options: readonly string[]): void {
  select.replaceChildren(...options.map((o) => new Option(o, o)));
}

function showTable(tbody: HTMLElement, rows: readonly Prediction[]): void {
  tbody.replaceChildren(...rows.map((p, i) => {
    const tr = document.createElement('tr');
    for (const [text, cls] of [[String(i + 1), ''], [p.label, 'label'], [p.score.toFixed(4), 'score']] as const) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      if (cls === 'score') td.dataset.score = String(p.score); // the full float, for checks
      tr.append(td);
    }
    return tr;
  }));
}

let backend: Promise<WasmBackend> | undefined;
let current: Loaded | undefined;

/** The one tfjs wasm engine of the page; its .wasm files are served next to it (build.mjs copies them to dist/wasm/). */
function wasmBackend(): Promise<WasmBackend> {
  backend ??= WasmBackend.create({ wasmPaths: new URL('wasm/', location.href).href });
  return backend;
}

/** The feeds of a KGE query as the peer takes them. */
function peerFeeds(feeds: Feeds): Record<string, PeerFeed> {
  return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { data: t.data as Int32Array, dims: t.shape }]));
}

async function loadPeer(bytes: Uint8Array, warm: { side: string; feeds: Feeds }): Promise<Peer | null> {
  const peers = await peerFactory();
  $('peer-panel').hidden = Boolean(peers.missing);
  $('peer-note').textContent = peers.missing ? `Peer comparison unavailable: ${peers.missing}` : '';
  if (peers.missing !== undefined) return null;
  const peer = await peers.create(bytes);
  $('peer-name').textContent = peer.name;
  // One run before any timing, as for repkit: onnxruntime-web's first run also allocates its buffers.
  await peer.run(peerFeeds(warm.feeds), [warm.side]);
  return peer;
}

async function load(source: Source): Promise<void> {
  setStatus('loading', `fetching ${source.url}…`);
  current?.exe.dispose();
  void current?.peer?.release();
  current = undefined;
  const t0 = performance.now();
  const res = await fetch(source.url);
  if (!res.ok) throw new Error(`fetching ${source.url} gave HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const labels = kgeLabels(inspectModel(bytes).metadata, source.url);
  if (!labels) throw new Error(`${source.url} is not a repkit KGE export (no metadata repkit.kind = kge); export it with 'repkit kge export'`);
  const t1 = performance.now();
  const b = await wasmBackend();
  const exe = await b.compile(importOnnx(bytes));
  const t2 = performance.now();
  // One run before any timing: the first run also sets up the engine's kernels.
  const warm = kgeFeeds(labels, { head: labels.entities[0]!, relation: labels.relations[0]! });
  await exe.run(warm.feeds, { outputs: [warm.side] });
  const t3 = performance.now();
  const peer = await loadPeer(bytes, warm).catch((e: Error) => {
    $('peer-note').textContent = `Peer comparison failed: ${e.message}`;
    return null;
  });
  current = { source, labels, exe, peer };
  fill($<HTMLSelectElement>('head'), labels.entities);
  fill($<HTMLSelectElement>('relation'), labels.relations);
  $<HTMLInputElement>('top').max = String(labels.entities.length);
  $('backend').textContent = b.describe();
  $('load').textContent = `fetch ${fmt(t1 - t0)}, import + compile ${fmt(t2 - t1)}, first run ${fmt(t3 - t2)}`;
  $('model-info').textContent = `${labels.model}, ${labels.entities.length} entities, ${labels.relations.length} relations, ${(bytes.length / 1024).toFixed(0)} KiB`;
  setStatus('ready', `${source.name} loaded: pick a head and a relation`);
}

async function predict(): Promise<void> {
  const m = current;
  if (!m) return;
  const head = $<HTMLSelectElement>('head').value, relation = $<HTMLSelectElement>('relation').value;
  const top = Math.max(1, Math.min(Number($<HTMLInputElement>('top').value) || 10, m.labels.entities.length));
  setStatus('running', `scoring every tail of (${head}, ${relation})…`);
  const { side, feeds } = kgeFeeds(m.labels, { head, relation });
  const t0 = performance.now();
  // Only the scores this query reads: the engine skips the other side's and the triple score's nodes.
  const out = await m.exe.run(feeds, { outputs: [side] });
  const ms = performance.now() - t0;
  const mine = topPredictions(out[side]!.data, m.labels.entities, top);
  showTable($('predictions'), mine);
  $('time').textContent = `${fmt(ms)} (1 query × ${m.labels.entities.length} candidates)`;
  if (m.peer) {
    const p = await m.peer.run(peerFeeds(feeds), [side]);
    const theirs = topPredictions(p.outputs[side]!, m.labels.entities, top);
    showTable($('peer-predictions'), theirs);
    $('peer-time').textContent = fmt(p.ms);
    $('peer-agree').textContent = theirs.every((t, i) => t.label === mine[i]!.label) ? `yes, same top ${top}` : 'no: the rankings differ';
  }
  setStatus('done', `top ${top} tails of (${head}, ${relation}), run in this page`);
}

async function main(): Promise<void> {
  startDigits(wasmBackend);
  const list = await sources();
  const select = $<HTMLSelectElement>('model');
  fill(select, list.map((s) => s.name));
  select.addEventListener('change', () => void load(list.find((s) => s.name === select.value)!).catch(fail));
  $('query').addEventListener('submit', (e) => {
    e.preventDefault();
    void predict().catch(fail);
  });
  await load(list[0]!);
}

function fail(e: unknown): void {
  setStatus('error', `Error: ${(e as Error).message ?? String(e)}`);
}

main().catch(fail);
