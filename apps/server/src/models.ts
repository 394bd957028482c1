// The models a server holds: found once in the models folder (name.onnx files, or a Triton repository's
// name/<version>/model.onnx), imported, compiled on the backend and warmed up once, then reused.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tensor, type Backend, type Executable, type Feeds, type Results } from '@repkit/core';
import { importOnnx, inspectModel } from '@repkit/onnx';
import { Batcher } from './batcher.ts';
import { kgeLabels, type KgeLabels } from './kge.ts';
import { field, parsePbtxt } from './pbtxt.ts';
import { batchDim } from './triton.ts';
import { ioSpec, type IoSpec } from './tensors.ts';

export interface ModelEntry {
  name: string;
  version: string;
  file: string;
  /** config.pbtxt of a Triton repository entry. */
  config?: string;
}

/** The models in `dir`: every name.onnx, and every Triton entry name/<highest numeric version>/model.onnx. */
export function scanModels(dir: string): ModelEntry[] {
  if (typeof dir !== 'string' || !existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`modelsDir: '${String(dir)}' is not a folder; pass the folder holding .onnx exports (repkit kge export --out DIR/name.onnx) or a Triton repository (--triton DIR)`);
  }
  const found = new Map<string, ModelEntry>();
  const add = (e: ModelEntry): void => {
    const prev = found.get(e.name);
    if (prev) throw new Error(`modelsDir: two models are named '${e.name}' (${prev.file} and ${e.file}); rename or remove one`);
    found.set(e.name, e);
  };
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (d.name.startsWith('.')) continue; // temporary folders of atomic writes
    if (d.isFile() && d.name.endsWith('.onnx')) add({ name: d.name.slice(0, -5), version: '1', file: join(dir, d.name) });
    if (!d.isDirectory()) continue;
    const versions = readdirSync(join(dir, d.name)).filter((v) => /^\d+$/.test(v) && existsSync(join(dir, d.name, v, 'model.onnx')));
    if (versions.length === 0) continue;
    const version = versions.sort((a, b) => Number(b) - Number(a))[0]!;
    const config = join(dir, d.name, 'config.pbtxt');
    add({ name: d.name, version, file: join(dir, d.name, version, 'model.onnx'), config: existsSync(config) ? config : undefined });
  }
  if (found.size === 0) {
    throw new Error(`modelsDir: '${dir}' holds no models; export one with 'repkit kge export --model M --out ${join(dir, 'name.onnx')}'`);
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export interface LoadOptions {
  maxBatch: number;
  batchWindowMs: number;
  onBatch: (model: string, rows: number, requests: number) => void;
}

export interface ModelInfo {
  inputs: IoSpec[];
  outputs: IoSpec[];
  metadata: Record<string, string>;
  kge?: KgeLabels;
  /** The batch dim and the most rows per run, or null when requests run one by one. */
  batch: { dim: string; maxRows: number } | null;
}

export class Model {
  status: 'loading' | 'ready' | 'failed' = 'loading';
  reason = '';
  info: ModelInfo | undefined;
  private exe: Executable | undefined;
  private batcher: Batcher | undefined;

  constructor(readonly entry: ModelEntry) {}

  get name(): string {
    return this.entry.name;
  }

  async load(backend: Backend, opts: LoadOptions): Promise<void> {
    const { file } = this.entry;
    const bytes = new Uint8Array(await readFile(file));
    const summary = inspectModel(bytes);
    const graph = importOnnx(bytes);
    const spec = (kind: 'input' | 'output', name: string, dtype: Tensor['dtype']): IoSpec => {
      const s = (kind === 'input' ? summary.inputs : summary.outputs).find((v) => v.name === name);
      if (!s) throw new Error(`${file}: the imported graph's ${kind} '${name}' is not in the file`);
      return ioSpec(name, s.dtype, s.shape, dtype, kind);
    };
    const inputs = graph.feeds.map((i) => spec('input', i.name, i.value.dtype));
    const outputs = graph.outputs.map((o) => spec('output', o.name, o.value.dtype));
    const kge = kgeLabels(summary.metadata, file);
    if (kge && !['h', 'r', 't'].every((n) => inputs.some((i) => i.name === n))) throw new Error(`${file}: a KGE export needs inputs h, r, t`);
    const dim = batchDim(summary);
    const limit = this.entry.config ? tritonBatchLimit(this.entry.config) : opts.maxBatch;
    this.info = { inputs, outputs, metadata: summary.metadata, kge, batch: dim && limit > 0 ? { dim, maxRows: Math.min(limit, opts.maxBatch) } : null };
    this.exe = await backend.compile(graph);
    // One run now: the session allocates its buffers before the first request, and a model that cannot run fails here.
    await this.exe.run(Object.fromEntries(graph.feeds.map((i) => [i.name, new Tensor(i.value.dtype, i.value.shape.map((d) => (typeof d === 'number' ? d : 1)))])));
    if (this.info.batch) {
      const exe = this.exe;
      this.batcher = new Batcher((f) => exe.run(f), {
        maxRows: this.info.batch.maxRows, windowMs: opts.batchWindowMs, onBatch: (rows, n) => opts.onBatch(this.name, rows, n),
      });
    }
    this.status = 'ready';
  }

  /** Run validated feeds, batched with concurrent requests when the model has a batch dim. */
  infer(feeds: Feeds, signal?: AbortSignal): Promise<Results> {
    if (!this.exe || this.status !== 'ready') return Promise.reject(new Error(`model '${this.name}' is not loaded`));
    if (!this.batcher) return this.exe.run(feeds);
    const first = this.info!.inputs[0]!.name;
    return this.batcher.submit(feeds, feeds[first]!.shape[0]!, signal);
  }

  dispose(): void {
    this.batcher?.rejectQueued(new Error('the server is shutting down'));
    this.exe?.dispose();
    this.exe = undefined;
  }
}

/** max_batch_size of a Triton config (0: the model takes no batching). */
function tritonBatchLimit(config: string): number {
  const v = field<number>(parsePbtxt(readFileSync(config, 'utf8')), 'max_batch_size');
  return typeof v === 'number' ? v : 0;
}

export class ModelStore {
  readonly models: ReadonlyMap<string, Model>;
  loading = true;

  constructor(entries: readonly ModelEntry[]) {
    this.models = new Map(entries.map((e) => [e.name, new Model(e)]));
  }

  /** Load every model; a failure marks that model failed with its reason and never throws. */
  async loadAll(backend: () => Promise<Backend>, opts: LoadOptions, warn: (m: string) => void): Promise<void> {
    try {
      let b: Backend;
      try {
        b = await backend();
      } catch (e) {
        for (const m of this.models.values()) fail(m, `backend: ${(e as Error).message}`, warn);
        return;
      }
      for (const m of this.models.values()) {
        try {
          await m.load(b, opts);
        } catch (e) {
          fail(m, (e as Error).message, warn);
        }
      }
    } finally {
      this.loading = false;
    }
  }

  /** Ready when loading is over and every model loaded (Triton's strict readiness). */
  get ready(): boolean {
    return !this.loading && [...this.models.values()].every((m) => m.status === 'ready');
  }

  dispose(): void {
    for (const m of this.models.values()) m.dispose();
  }
}

function fail(m: Model, reason: string, warn: (m: string) => void): void {
  m.status = 'failed';
  m.reason = reason;
  warn(`model '${m.name}' failed to load: ${reason}`);
}
