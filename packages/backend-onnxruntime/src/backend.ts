// The onnxruntime backend: a graph is exported with @repkit/onnx and run by one InferenceSession,
// on CUDA when it works here and on the CPU otherwise (onnxruntime-node throws instead of falling back).
import ort from 'onnxruntime-node';
import { bindFeeds, type Backend, type Executable, type Feeds, type Graph, type Results, type RunOptions } from '@repkit/core';
import { exportOnnx } from '@repkit/onnx';
import { CUDA_FIX, ortVersion, providers, type Device } from './providers.ts';
import { fromOrt, toOrt } from './tensors.ts';

export interface OrtBackendOptions {
  /** 'auto' (default): cuda when its provider library is installed, else cpu. */
  device?: Device | 'auto';
  /** Throw instead of falling back to cpu when cuda cannot be used (default false). */
  strict?: boolean;
  /** Intra-op threads per session (default 1: benchmarks compare single-threaded engines). */
  threads?: number;
  /** Where the one fallback notice goes (default console.warn). */
  logger?: (message: string) => void;
}

/** A graph's session, shared by every executable compiled from that Graph object. */
interface SessionEntry {
  ready: Promise<ort.InferenceSession>;
  refs: number;
  released: boolean;
}

export class OrtBackend implements Backend {
  readonly name = 'onnxruntime';
  /** The provider new sessions are created on; becomes 'cpu' after a fallback. */
  private device: Device;
  private readonly strict: boolean;
  private readonly threads: number;
  private readonly logger: (message: string) => void;
  private warned = false;
  // One session per Graph object, shared by every compile of it and released with the last executable.
  private sessions = new WeakMap<Graph, SessionEntry>();
  private readonly live = new Set<SessionEntry>();

  constructor(opts: OrtBackendOptions = {}) {
    const { device = 'auto', strict = false, threads = 1, logger = (m: string) => console.warn(m) } = opts;
    if (!['auto', 'cpu', 'cuda'].includes(device)) throw new Error(`OrtBackend: device must be 'cpu', 'cuda' or 'auto', got '${String(device)}'`);
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`OrtBackend: threads must be a positive integer, got ${threads}`);
    if (typeof logger !== 'function') throw new Error('OrtBackend: logger must be a function (message: string) => void');
    this.device = device === 'auto' ? (providers().some((p) => p.name === 'cuda' && p.available) ? 'cuda' : 'cpu') : device;
    this.strict = strict;
    this.threads = threads;
    this.logger = logger;
  }

  describe(): string {
    return `onnxruntime-node ${ortVersion()}, ${this.device} EP, ${this.threads} thread${this.threads === 1 ? '' : 's'}, float32`;
  }

  async compile(graph: Graph): Promise<Executable> {
    let entry = this.sessions.get(graph);
    if (!entry) {
      entry = { ready: this.open(graph), refs: 0, released: false };
      this.sessions.set(graph, entry);
      this.live.add(entry);
    }
    entry.refs++; // counted before the await, so a dispose meanwhile cannot release it under us
    let session: ort.InferenceSession;
    try {
      session = await entry.ready;
    } catch (err) {
      this.release(graph, entry);
      throw err;
    }
    return new OrtExecutable(graph, session, () => this.release(graph, entry));
  }

  /** Release every session this backend opened; executables compiled before stop working. */
  dispose(): void {
    for (const e of this.live) close(e);
    this.live.clear();
    this.sessions = new WeakMap();
  }

  private release(graph: Graph, entry: SessionEntry): void {
    if (--entry.refs > 0) return;
    if (this.sessions.get(graph) === entry) this.sessions.delete(graph);
    this.live.delete(entry);
    close(entry);
  }

  private options(device: Device): ort.InferenceSession.SessionOptions {
    return {
      executionProviders: device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'],
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    };
  }

  private async open(graph: Graph): Promise<ort.InferenceSession> {
    const bytes = exportOnnx(graph);
    const device = this.device;
    try {
      return await ort.InferenceSession.create(bytes, this.options(device));
    } catch (err) {
      if (device === 'cpu') throw sessionError(graph, 'cpu', err);
      return this.fallBack(graph, bytes, err as Error);
    }
  }

  /** cuda failed: if cpu works the provider was at fault (fall back, or throw when strict); else the model was. */
  private async fallBack(graph: Graph, bytes: Uint8Array, cudaErr: Error): Promise<ort.InferenceSession> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, this.options('cpu'));
    } catch (err) {
      throw sessionError(graph, 'cpu', err);
    }
    const missing = providers().find((p) => p.name === 'cuda')?.reason;
    const reason = firstLine(cudaErr.message) + (missing ? ` (${missing})` : '');
    if (this.strict) {
      await session.release();
      throw new Error(`onnxruntime: the cuda execution provider cannot be used (strict: true): ${reason}. Fix: ${CUDA_FIX}; or pass device: 'cpu', or strict: false to fall back to the CPU`);
    }
    this.device = 'cpu';
    if (!this.warned) {
      this.warned = true;
      this.logger(`onnxruntime: cuda execution provider unavailable (${reason}); running on cpu. To use the GPU: ${CUDA_FIX}`);
    }
    return session;
  }
}

class OrtExecutable implements Executable {
  private disposed = false;

  constructor(
    private readonly graph: Graph,
    private readonly session: ort.InferenceSession,
    private readonly release: () => void,
  ) {}

  async run(feeds: Feeds, options?: RunOptions): Promise<Results> {
    if (this.disposed) throw new Error(`run '${this.graph.name}': this executable was disposed; compile the graph again`);
    bindFeeds(this.graph, feeds);
    const outputs = options?.outputs ? selectOutputs(this.graph, options.outputs) : this.graph.outputs;
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const i of this.graph.feeds) ortFeeds[i.name] = toOrt(feeds[i.name]!, i.value.dtype);
    // Asking onnxruntime for a subset of outputs lets it skip the nodes only the others need.
    const out = options?.outputs ? await this.session.run(ortFeeds, outputs.map((o) => o.name)) : await this.session.run(ortFeeds);
    const results: Results = {};
    for (const o of outputs) results[o.name] = fromOrt(out[o.name], o.value.dtype, o.name);
    return results;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.release();
  }
}

/** The graph outputs named in a run's `outputs` option, in the graph's order. */
function selectOutputs(graph: Graph, names: readonly string[]): Graph['outputs'][number][] {
  for (const n of names) {
    if (!graph.outputs.some((o) => o.name === n)) throw new Error(`run '${graph.name}': unknown output '${n}' (outputs: ${graph.outputs.map((o) => o.name).join(', ')})`);
  }
  return graph.outputs.filter((o) => names.includes(o.name));
}

function close(entry: SessionEntry): void {
  if (entry.released) return;
  entry.released = true;
  // A session that failed to open has nothing to release; a failed release leaves nothing to do.
  entry.ready.then((s) => s.release()).catch(() => {});
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

function sessionError(graph: Graph, device: Device, err: unknown): Error {
  return new Error(`onnxruntime: cannot create a ${device} session for graph '${graph.name}': ${(err as Error).message}`, { cause: err });
}
