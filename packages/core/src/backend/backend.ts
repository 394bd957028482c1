// The Backend interface and its registry. Core never imports a backend: a backend registers itself.
import type { Graph } from '../ir/graph.ts';
import { formatType, resolveShape } from '../ir/types.ts';
import { Tensor, isFloat } from '../tensor.ts';

export type Feeds = Readonly<Record<string, Tensor>>;
export type Results = Record<string, Tensor>;

/** Options of one run (all optional; a backend may ignore any of them). */
export interface RunOptions {
  /**
   * The graph outputs the caller reads (default: all). A backend may then compute and return only these;
   * the results hold at least them. A name that is not a graph output is an error.
   */
  readonly outputs?: readonly string[];
}

/** A graph prepared for one backend; reuse it across runs. */
export interface Executable {
  run(feeds: Feeds, options?: RunOptions): Promise<Results>;
  dispose(): void;
}

export interface Backend {
  readonly name: string;
  /** Engine, device or provider and dtype, for logs and benchmark lines. */
  describe(): string;
  compile(graph: Graph): Promise<Executable>;
  dispose?(): void;
}

export interface BackendEntry {
  name: string;
  create: () => Promise<Backend>;
  /** Why this backend cannot run here, or null if it can. */
  probe?: () => Promise<string | null>;
}

const backends = new Map<string, BackendEntry>();
const instances = new Map<string, Promise<Backend>>();

export function registerBackend(entry: BackendEntry): void {
  backends.set(entry.name, entry);
  instances.delete(entry.name);
}

export function listBackends(): string[] {
  return [...backends.keys()];
}

/** The (shared) instance of a registered backend. */
export function getBackend(name: string): Promise<Backend> {
  const entry = backends.get(name);
  if (!entry) {
    throw new Error(`backend '${name}' is not registered (registered: ${listBackends().join(', ') || 'none'}); import its package, e.g. @repkit/backend-${name}`);
  }
  let inst = instances.get(name);
  if (!inst) {
    inst = entry.create();
    instances.set(name, inst);
  }
  return inst;
}

export async function probeBackend(name: string): Promise<string | null> {
  const entry = backends.get(name);
  if (!entry) return `backend '${name}' is not registered`;
  try {
    return entry.probe ? await entry.probe() : null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Check feeds against the graph's inputs and bind its symbolic dims.
 * Floats of either width are accepted for a float input (backends convert); other dtypes must match.
 */
export function bindFeeds(graph: Graph, feeds: Feeds): Map<string, number> {
  const dims = new Map<string, number>();
  for (const i of graph.feeds) {
    const t = feeds[i.name];
    if (!t) throw new Error(`run '${graph.name}': missing feed '${i.name}' (${formatType(i.value)})`);
    if (!(t instanceof Tensor)) throw new Error(`run '${graph.name}': feed '${i.name}' is not a Tensor`);
    const want = i.value;
    const dtypeOk = t.dtype === want.dtype || (isFloat(t.dtype) && isFloat(want.dtype));
    if (!dtypeOk || t.rank !== want.shape.length) {
      throw new Error(`run '${graph.name}': feed '${i.name}' is ${t.dtype}[${t.shape.join(', ')}], expected ${formatType(want)}`);
    }
    want.shape.forEach((d, k) => {
      const got = t.shape[k]!;
      if (typeof d === 'number') {
        if (d !== got) throw new Error(`run '${graph.name}': feed '${i.name}' has dim ${k} = ${got}, expected ${d}`);
      } else {
        const bound = dims.get(d);
        if (bound !== undefined && bound !== got) {
          throw new Error(`run '${graph.name}': feed '${i.name}' binds '${d}' = ${got}, but an earlier feed bound it to ${bound}`);
        }
        dims.set(d, got);
      }
    });
  }
  for (const name of Object.keys(feeds)) {
    if (!graph.feeds.some((i) => i.name === name)) {
      throw new Error(`run '${graph.name}': unknown feed '${name}' (inputs: ${graph.feeds.map((i) => i.name).join(', ')})`);
    }
  }
  return dims;
}

export { resolveShape };
