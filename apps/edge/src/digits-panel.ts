// The digits panel: draw a digit on a canvas; at the end of every stroke the drawing becomes the 8×8
// input of the digits MLP (digit-pixels.ts), run on repkit's wasm backend and on the onnxruntime-web peer.
import { Tensor, importOnnx, inspectModel, type Executable, type WasmBackend } from './repkit.ts';
import { digitFeatures, digitPixels, inkFromRgba, LEVELS, SIDE } from './digit-pixels.ts';
import type { Peer } from './peer-ort.ts';
import { peerFactory } from './peers.ts';
import { $, fmt } from './dom.ts';

interface Model { exe: Executable; peer: Peer | null; classes: readonly string[] }
type State = 'loading' | 'ready' | 'running' | 'done' | 'error';

function setState(state: State, text: string): void {
  $('digits-panel').dataset.status = state;
  $('digit-status').textContent = text;
}

/** The classes of a repkit classifier export (metadata repkit.kind = classifier), or an error saying how to make one. */
function classesOf(bytes: Uint8Array, url: string): string[] {
  const meta = inspectModel(bytes).metadata;
  let classes: unknown = null;
  try {
    if (meta['repkit.kind'] === 'classifier') classes = JSON.parse(meta['repkit.classes'] ?? 'null');
  } catch {
    // malformed metadata: reported below with the fix
  }
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) {
    throw new Error(`${url} is not a repkit classifier export (metadata repkit.kind = classifier with repkit.classes); rebuild the page with node apps/edge/build.mjs, which trains one`);
  }
  return classes;
}

async function load(backend: () => Promise<WasmBackend>): Promise<Model> {
  const url = new URLSearchParams(location.search).get('digits') ?? 'models/digits.onnx';
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fetching ${url} gave HTTP ${res.status}; build.mjs writes models/digits.onnx into the page's folder, or pass ?digits=<model.onnx>`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const classes = classesOf(bytes, url);
  const b = await backend();
  const exe = await b.compile(importOnnx(bytes));
  // One run before any timing: the first run also sets up the engine's kernels.
  await exe.run({ x: new Tensor('float32', [1, SIDE * SIDE], new Float32Array(SIDE * SIDE)) });
  $('digit-backend').textContent = b.describe();
  $('digit-model').textContent = `${inspectModel(bytes).metadata['repkit.model'] ?? 'classifier'}, ${(bytes.length / 1024).toFixed(0)} KiB`;
  const peers = await peerFactory();
  let peer: Peer | null = null;
  if (peers.missing !== undefined) $('digit-peer-name').textContent = `unavailable: ${peers.missing}`;
  else {
    peer = await peers.create(bytes);
    await peer.run({ x: { data: new Float32Array(SIDE * SIDE), dims: [1, SIDE * SIDE] } }, ['probs']); // warm, as for repkit
    $('digit-peer-name').textContent = peer.name;
  }
  return { exe, peer, classes };
}

/** The 8×8 input as the model sees it, drawn on the small canvas, its values in data-pixels. */
function showSeen(pixels: Uint8Array | null): void {
  const seen = $<HTMLCanvasElement>('digit-seen');
  const ctx = seen.getContext('2d')!;
  ctx.clearRect(0, 0, SIDE, SIDE);
  seen.dataset.pixels = pixels ? pixels.join(',') : '';
  if (!pixels) return;
  const img = ctx.createImageData(SIDE, SIDE);
  pixels.forEach((v, i) => img.data.set([0, 0, 0, Math.round((255 * v) / LEVELS)], i * 4));
  ctx.putImageData(img, 0, 0);
}

function showProbs(classes: readonly string[], mine: Float32Array, theirs: Float32Array | null, best: number): void {
  $('digit-probs').replaceChildren(...classes.map((c, k) => {
    const tr = document.createElement('tr');
    if (k === best) tr.className = 'best';
    tr.append(Object.assign(document.createElement('td'), { textContent: c }));
    for (const p of theirs ? [mine[k]!, theirs[k]!] : [mine[k]!]) {
      const td = Object.assign(document.createElement('td'), { className: 'score', textContent: p.toFixed(4) });
      td.dataset.p = String(p); // the full float, for checks
      td.style.setProperty('--p', String(p)); // the bar behind the number
      tr.append(td);
    }
    return tr;
  }));
}

async function predict(model: Model, canvas: HTMLCanvasElement): Promise<void> {
  const { width, height } = canvas;
  const pixels = digitPixels(inkFromRgba(canvas.getContext('2d')!.getImageData(0, 0, width, height).data, width, height), width, height);
  showSeen(pixels);
  if (!pixels) return setState('ready', 'draw a digit, 0 to 9');
  setState('running', 'classifying…');
  const x = digitFeatures(pixels);
  const t0 = performance.now();
  const out = await model.exe.run({ x: new Tensor('float32', [1, SIDE * SIDE], x) });
  const ms = performance.now() - t0;
  const probs = out.probs!.data as Float32Array, best = out.label!.data[0]!;
  $('digit-class').textContent = model.classes[best]!;
  $('digit-time').textContent = `${fmt(ms)} (1 image × ${SIDE * SIDE} pixels)`;
  let theirs: Float32Array | null = null;
  if (model.peer) {
    const p = await model.peer.run({ x: { data: x, dims: [1, SIDE * SIDE] } }, ['probs', 'label']);
    theirs = p.outputs.probs as Float32Array;
    const diff = Math.max(...Array.from(probs, (v, k) => Math.abs(v - theirs![k]!)));
    $('digit-peer-class').textContent = model.classes[p.outputs.label![0]!]!;
    $('digit-peer-time').textContent = fmt(p.ms);
    $('digit-agree').textContent = p.outputs.label![0] === best ? `yes, same class; probabilities within ${diff.toExponential(1)}` : 'no: the classes differ';
  }
  showProbs(model.classes, probs, theirs, best);
  setState('done', `classified as ${model.classes[best]}, run in this page`);
}

/** Strokes of round ink on a transparent canvas (ink = alpha); `done` after each stroke. */
function drawing(canvas: HTMLCanvasElement, done: () => void): void {
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  let last: [number, number] | null = null;
  const at = (e: PointerEvent): [number, number] => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  const line = (to: [number, number]): void => {
    ctx.lineWidth = canvas.width / 11; // about the stroke of a scikit-learn digit once scaled to its frame
    ctx.lineCap = ctx.lineJoin = 'round';
    ctx.strokeStyle = '#000';
    ctx.beginPath();
    ctx.moveTo(...(last ?? to));
    ctx.lineTo(...to);
    ctx.stroke();
    last = to;
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = null;
    line(at(e));
  });
  canvas.addEventListener('pointermove', (e) => { if (last) line(at(e)); });
  // The end of a stroke classifies what is on the canvas (a pointerup without a stroke does too).
  for (const ev of ['pointerup', 'pointercancel'] as const) canvas.addEventListener(ev, () => { last = null; done(); });
}

/** Load the digits model and wire the panel; failures show in the panel, not the KGE status. */
export function startDigits(backend: () => Promise<WasmBackend>): void {
  const canvas = $<HTMLCanvasElement>('digit-canvas');
  setState('loading', 'loading the digits model…');
  load(backend).then((model) => {
    // One classification at a time: onnxruntime-web runs one session call at a time.
    let queue = Promise.resolve();
    const run = (): void => void (queue = queue.then(() => predict(model, canvas)).catch(fail));
    drawing(canvas, run);
    $('digit-clear').addEventListener('click', () => {
      canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
      for (const id of ['digit-class', 'digit-time', 'digit-peer-class', 'digit-peer-time', 'digit-agree']) $(id).textContent = '–';
      $('digit-probs').replaceChildren();
      run();
    });
    setState('ready', 'draw a digit, 0 to 9');
  }).catch(fail);
}

function fail(e: unknown): void {
  setState('error', `Error: ${(e as Error).message ?? String(e)}`);
}
