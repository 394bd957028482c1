// The edge page: fetch an exported KGE model, import it with repkit and run it on the wasm backend in
// this page; pick a head and a relation, see the top tails, the backend and the inference time.
import { WasmBackend, importOnnx, inspectModel, kgeFeeds, kgeLabels, topPredictions, type Executable, type KgeLabels, type Prediction } from './repkit.ts';
import type { Peer } from './peer-ort.ts';

interface Source { name: string; url: string }
interface Loaded { source: Source; labels: KgeLabels; exe: Executable; peer: Peer | null }
/** peers.json, written by build.mjs: which peer engines were bundled, or why none was. */
interface Peers { onnxruntimeWeb?: { module: string; wasmPaths: string; version: string }; missing?: string }

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page lacks #${id}; rebuild it with node apps/edge/build.mjs`);
  return e as T;
};
const fmt = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

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

async function loadPeer(bytes: Uint8Array): Promise<Peer | null> {
  const res = await fetch('peers.json').catch(() => null);
  const peers: Peers = res?.ok ? ((await res.json()) as Peers) : { missing: 'peers.json is missing; rebuild with node apps/edge/build.mjs' };
  $('peer-panel').hidden = !peers.onnxruntimeWeb;
  $('peer-note').textContent = peers.missing ? `Peer comparison unavailable: ${peers.missing}` : '';
  if (!peers.onnxruntimeWeb) return null;
  const mod = (await import(new URL(peers.onnxruntimeWeb.module, location.href).href)) as { createPeer(wasmPaths: string, bytes: Uint8Array): Promise<Peer> };
  const peer = await mod.createPeer(new URL(peers.onnxruntimeWeb.wasmPaths, location.href).href, bytes);
  $('peer-name').textContent = peer.name;
  return peer;
}

async function load(source: Source): Promise<void> {
  setStatus('loading', `fetching ${source.url}…`);
  current?.exe.dispose();
  current = undefined;
  const t0 = performance.now();
  const res = await fetch(source.url);
  if (!res.ok) throw new Error(`fetching ${source.url} gave HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const labels = kgeLabels(inspectModel(bytes).metadata, source.url);
  if (!labels) throw new Error(`${source.url} is not a repkit KGE export (no metadata repkit.kind = kge); export it with 'repkit kge export'`);
  const t1 = performance.now();
  // The .wasm files are served next to this page (build.mjs copies them to dist/wasm/).
  backend ??= WasmBackend.create({ wasmPaths: new URL('wasm/', location.href).href });
  const b = await backend;
  const exe = await b.compile(importOnnx(bytes));
  const t2 = performance.now();
  // One run before any timing: the first run also sets up the engine's kernels.
  await exe.run(kgeFeeds(labels, { head: labels.entities[0]!, relation: labels.relations[0]! }).feeds);
  const t3 = performance.now();
  const peer = await loadPeer(bytes).catch((e: Error) => {
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
  const out = await m.exe.run(feeds);
  const ms = performance.now() - t0;
  const mine = topPredictions(out[side]!.data, m.labels.entities, top);
  showTable($('predictions'), mine);
  $('time').textContent = `${fmt(ms)} (1 query × ${m.labels.entities.length} candidates)`;
  if (m.peer) {
    const p = await m.peer.run(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, t.data as Int32Array])), side);
    const theirs = topPredictions(p.scores, m.labels.entities, top);
    showTable($('peer-predictions'), theirs);
    $('peer-time').textContent = fmt(p.ms);
    $('peer-agree').textContent = theirs.every((t, i) => t.label === mine[i]!.label) ? `yes, same top ${top}` : 'no: the rankings differ';
  }
  setStatus('done', `top ${top} tails of (${head}, ${relation}), run in this page`);
}

async function main(): Promise<void> {
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
