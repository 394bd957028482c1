// A graph compiled for the wasm backend: constants resident as tfjs tensors, nodes run in order
// inside tf.tidy with each intermediate freed after its last use, outputs downloaded as host Tensors.
import * as tf from '@tensorflow/tfjs-core';
import {
  bindFeeds, formatType, isStatic, resolveShape,
  type DType, type Executable, type Feeds, type Graph, type GraphInput, type Node, type Results, type Value,
} from '@repkit/core';
import { LOWERING, type Lowering } from './lowering.ts';
import { download, tfDType, upload } from './transfer.ts';

interface Step {
  readonly node: Node;
  readonly lower: Lowering;
  /** Output shapes known at compile time (undefined where a symbolic dim must be bound per run). */
  readonly shapes: readonly (readonly number[] | undefined)[];
  readonly dtypes: readonly DType[];
  /** Values whose last use is this step (including outputs nobody reads). */
  readonly release: readonly Value[];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export class WasmExecutable implements Executable {
  private disposed = false;

  private constructor(
    readonly graph: Graph,
    /** Fed inputs that some node or output reads (the others are never uploaded). */
    private readonly fed: readonly GraphInput[],
    private readonly consts: ReadonlyMap<Value, tf.Tensor>,
    private readonly constTensors: ReadonlySet<tf.Tensor>,
    private readonly steps: readonly Step[],
  ) {}

  static compile(graph: Graph): WasmExecutable {
    const missing = [...new Set(graph.nodes.map((n) => n.op).filter((op) => !LOWERING[op]))];
    if (missing.length) {
      throw new Error(`compile '${graph.name}' on wasm: no lowering for op(s) ${missing.join(', ')}; add an entry per op to LOWERING in packages/backend-wasm/src/lowering.ts`);
    }
    const lastUse = new Map<Value, number>();
    graph.nodes.forEach((n, k) => n.inputs.forEach((v) => lastUse.set(v, k)));
    for (const o of graph.outputs) lastUse.set(o.value, Infinity);
    const release: Value[][] = graph.nodes.map(() => []);
    for (const [v, k] of lastUse) if (k !== Infinity) release[k]!.push(v);
    graph.nodes.forEach((n, k) => n.outputs.forEach((o) => lastUse.has(o) || release[k]!.push(o)));

    const steps: Step[] = graph.nodes.map((node, k) => ({
      node,
      lower: LOWERING[node.op]!,
      shapes: node.outputs.map((o) => (isStatic(o.shape) ? o.shape : undefined)),
      dtypes: node.outputs.map((o) => o.dtype),
      release: release[k]!,
    }));
    const consts = new Map<Value, tf.Tensor>();
    for (const i of graph.inputs) {
      if (i.kind === 'const' && lastUse.has(i.value)) consts.set(i.value, tf.keep(upload(i.tensor!)));
    }
    const fed = graph.feeds.filter((i) => lastUse.has(i.value));
    return new WasmExecutable(graph, fed, consts, new Set(consts.values()), steps);
  }

  async run(feeds: Feeds): Promise<Results> {
    return this.runSync(feeds);
  }

  /** `run` without the promise: tfjs-backend-wasm computes synchronously. */
  runSync(feeds: Feeds): Results {
    if (this.disposed) throw new Error(`run '${this.graph.name}' on wasm: the executable was disposed; compile the graph again`);
    const dims = bindFeeds(this.graph, feeds);
    const outs = tf.tidy(() => this.execute(feeds, dims));
    try {
      const results: Results = {};
      this.graph.outputs.forEach((o, k) => (results[o.name] = download(outs[k]!, o.value.dtype)));
      return results;
    } finally {
      for (const t of new Set(outs)) if (!this.constTensors.has(t)) t.dispose();
    }
  }

  /** Free the resident constants; the executable cannot run afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.constTensors) t.dispose();
  }

  private execute(feeds: Feeds, dims: ReadonlyMap<string, number>): tf.Tensor[] {
    const env = new Map<Value, tf.Tensor>(this.consts);
    // Live values per tensor: a lowering may hand back its input (float64→float32 cast), freed once.
    const refs = new Map<tf.Tensor, number>();
    const bind = (v: Value, t: tf.Tensor): void => {
      env.set(v, t);
      if (!this.constTensors.has(t)) refs.set(t, (refs.get(t) ?? 0) + 1);
    };
    for (const i of this.fed) bind(i.value, upload(feeds[i.name]!));
    for (const step of this.steps) {
      const outs = this.apply(step, env, dims);
      step.node.outputs.forEach((o, k) => bind(o, outs[k]!));
      for (const v of step.release) {
        const t = env.get(v)!;
        env.delete(v);
        const r = refs.get(t);
        if (r === undefined) continue;
        if (r > 1) refs.set(t, r - 1);
        else {
          refs.delete(t);
          t.dispose();
        }
      }
    }
    return this.graph.outputs.map((o) => env.get(o.value)!);
  }

  private apply(step: Step, env: ReadonlyMap<Value, tf.Tensor>, dims: ReadonlyMap<string, number>): tf.Tensor[] {
    const { node } = step;
    const outShapes = step.shapes.map((s, k) => (s ? [...s] : resolveShape(node.outputs[k]!.shape, dims)));
    let res: tf.Tensor | tf.Tensor[];
    try {
      res = step.lower(node.inputs.map((v) => env.get(v)!), { attrs: node.attrs, outShapes, outDTypes: step.dtypes });
    } catch (e) {
      const where = `${node.outputs.map((o) => `%${o.id}`).join(', ')} = ${node.op}(${node.inputs.map((v) => `%${v.id}`).join(', ')})`;
      throw new Error(`run '${this.graph.name}' on wasm: ${where}: ${(e as Error).message}`, { cause: e });
    }
    const outs = Array.isArray(res) ? res : [res];
    node.outputs.forEach((o, k) => {
      const t = outs[k];
      if (!t || t.dtype !== tfDType(o.dtype) || !sameShape(t.shape, outShapes[k]!)) {
        const got = t ? `${t.dtype}[${t.shape.join(', ')}]` : 'nothing';
        throw new Error(`wasm lowering of '${node.op}' returned ${got} for output ${k}, expected ${formatType(o)} = [${outShapes[k]!.join(', ')}]; fix its entry in packages/backend-wasm/src/lowering.ts`);
      }
    });
    return outs;
  }
}
