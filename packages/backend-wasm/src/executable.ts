// A graph compiled for the wasm backend: constants resident as tfjs tensors, nodes run in order
// inside tf.tidy with each intermediate freed after its last use, outputs downloaded as host Tensors.
// Everything that does not depend on the feeds is decided once: a plan per set of requested outputs
// holds the steps (nodes only those outputs need; fused chains, see fusion.ts), each value's slot in a
// flat array, the slots each step frees, and each step's lowering arguments where shapes are static.
import * as tf from '@tensorflow/tfjs-core';
import {
  bindFeeds, formatType, isStatic, resolveShape,
  type Executable, type Feeds, type Graph, type GraphInput, type GraphOutput, type Node, type Results, type RunOptions, type Value,
} from '@repkit/core';
import { findFusions, type Fused } from './fusion.ts';
import { view } from './heap.ts';
import { LOWERING, type LowerArgs, type Lowering } from './lowering.ts';
import { download, tfDType, upload } from './transfer.ts';

/** One tfjs call site of a run: an IR node, or a fused chain of them (then `node` is the last). */
interface Unit {
  readonly node: Node;
  readonly nodes: readonly Node[];
  readonly inputs: readonly Value[];
  readonly lower: Lowering;
}

interface Step {
  readonly unit: Unit;
  readonly inputs: Int32Array;
  readonly outputs: Int32Array;
  /** The lowering's arguments when every output shape is static; else built per run. */
  readonly args: LowerArgs | undefined;
  readonly tfDTypes: readonly string[];
  /** Slots whose last reader is this step (and outputs nobody reads). */
  readonly release: Int32Array;
}

interface Plan {
  readonly outputs: readonly GraphOutput[];
  readonly outSlots: Int32Array;
  /** The constants' tensors at their slots, the rest empty: each run starts from a copy. */
  readonly template: readonly (tf.Tensor | undefined)[];
  readonly fed: readonly { input: GraphInput; slot: number }[];
  readonly steps: readonly Step[];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Ops that hand back their input unchanged: their output shares the input's slot. */
function isIdentity(n: Node): boolean {
  if (n.op === 'stopGradient') return true;
  return n.op === 'cast' && tfDType(n.inputs[0]!.dtype) === tfDType(n.attrs.to as never);
}

/** Shape-only ops, folded at compile time when they read a constant. */
const VIEWS = new Set(['reshape', 'squeeze', 'unsqueeze']);

export class WasmExecutable implements Executable {
  private disposed = false;
  private readonly plans = new Map<string, Plan>();
  /** Per-slot scratch of a run (runs are synchronous, so one set serves them all). */
  private root = new Int32Array(0);
  private count = new Int32Array(0);

  private constructor(
    readonly graph: Graph,
    private readonly units: readonly Unit[],
    /** Constants, and views of constants folded at compile time. */
    private readonly consts: ReadonlyMap<Value, tf.Tensor>,
    private readonly constTensors: ReadonlySet<tf.Tensor>,
    /** Identity ops' outputs → the value they repeat. */
    private readonly alias: ReadonlyMap<Value, Value>,
  ) {}

  /** `fuse: false` runs every node as its own lowering (for comparisons; the default fuses, see fusion.ts). */
  static compile(graph: Graph, { fuse = true }: { fuse?: boolean } = {}): WasmExecutable {
    const missing = [...new Set(graph.nodes.map((n) => n.op).filter((op) => !LOWERING[op]))];
    if (missing.length) {
      throw new Error(`compile '${graph.name}' on wasm: no lowering for op(s) ${missing.join(', ')}; add an entry per op to LOWERING in packages/backend-wasm/src/lowering.ts`);
    }
    const read = new Set<Value>(graph.outputs.map((o) => o.value));
    for (const n of graph.nodes) for (const v of n.inputs) read.add(v);
    const consts = new Map<Value, tf.Tensor>();
    for (const i of graph.inputs) if (i.kind === 'const' && read.has(i.value)) consts.set(i.value, tf.keep(upload(i.tensor!)));
    const alias = new Map<Value, Value>();
    const fusions = fuse ? findFusions(graph) : new Map<Node, Fused>();
    const fusedAway = new Set<Node>([...fusions.values()].flatMap((f) => f.nodes.slice(0, -1)));
    const units: Unit[] = [];
    for (const node of graph.nodes) {
      if (fusedAway.has(node)) continue;
      const input = node.inputs[0];
      if (isIdentity(node)) {
        alias.set(node.outputs[0]!, alias.get(input!) ?? input!);
        continue;
      }
      const out = node.outputs[0]!;
      const c = input && consts.get(alias.get(input) ?? input);
      if (c && VIEWS.has(node.op) && isStatic(out.shape)) {
        consts.set(out, tf.keep(view(c, out.shape as number[])));
        continue;
      }
      const f = fusions.get(node);
      units.push(f
        ? { node: f.nodes.at(-1)!, nodes: f.nodes, inputs: f.inputs, lower: f.lower }
        : { node, nodes: [node], inputs: node.inputs, lower: LOWERING[node.op]! });
    }
    return new WasmExecutable(graph, units, consts, new Set(consts.values()), alias);
  }

  async run(feeds: Feeds, options?: RunOptions): Promise<Results> {
    return this.runSync(feeds, options);
  }

  /** `run` without the promise: tfjs-backend-wasm computes synchronously. */
  runSync(feeds: Feeds, options?: RunOptions): Results {
    if (this.disposed) throw new Error(`run '${this.graph.name}' on wasm: the executable was disposed; compile the graph again`);
    const dims = bindFeeds(this.graph, feeds);
    const plan = this.plan(options?.outputs);
    // Everything a run makes is freed when the scope ends (the outputs after download); intermediates
    // are freed at their last use as well, to bound memory.
    const results: Results = {};
    tf.tidy(() => {
      const slots = this.execute(plan, feeds, dims);
      plan.outputs.forEach((o, k) => (results[o.name] = download(slots[plan.outSlots[k]!]!, o.value.dtype)));
    });
    return results;
  }

  /** Free the resident constants; the executable cannot run afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.constTensors) t.dispose();
  }

  /** The tfjs call sites a run for `outputs` makes, in order: an op name, or fused ops joined by '+'. */
  describe(outputs?: readonly string[]): string[] {
    return this.plan(outputs).steps.map((s) => s.unit.nodes.map((n) => n.op).join('+'));
  }

  private plan(names: readonly string[] | undefined): Plan {
    const key = names ? names.join('\u0000') : '';
    let plan = this.plans.get(key);
    if (!plan) {
      plan = this.makePlan(names);
      this.plans.set(key, plan);
    }
    return plan;
  }

  private makePlan(names: readonly string[] | undefined): Plan {
    const { graph } = this;
    let outputs = graph.outputs;
    if (names) {
      for (const n of names) {
        if (!graph.outputs.some((o) => o.name === n)) throw new Error(`run '${graph.name}' on wasm: unknown output '${n}' (outputs: ${graph.outputs.map((o) => o.name).join(', ')})`);
      }
      outputs = graph.outputs.filter((o) => names.includes(o.name));
    }
    const canon = (v: Value): Value => this.alias.get(v) ?? v;
    // The units these outputs need, walking back from them.
    const needed = new Set<Value>(outputs.map((o) => canon(o.value)));
    const units: Unit[] = [];
    for (let k = this.units.length - 1; k >= 0; k--) {
      const u = this.units[k]!;
      if (!u.node.outputs.some((o) => needed.has(o))) continue;
      units.push(u);
      for (const v of u.inputs) needed.add(canon(v));
    }
    units.reverse();
    const slotOf = new Map<Value, number>();
    const slot = (v: Value): number => {
      const c = canon(v);
      let s = slotOf.get(c);
      if (s === undefined) slotOf.set(c, (s = slotOf.size));
      return s;
    };
    const template: (tf.Tensor | undefined)[] = [];
    for (const [v, t] of this.consts) if (needed.has(v)) template[slot(v)] = t;
    const fed = graph.feeds.filter((i) => needed.has(canon(i.value))).map((input) => ({ input, slot: slot(input.value) }));
    const lastUse = new Map<number, number>();
    units.forEach((u, k) => u.inputs.forEach((v) => lastUse.set(slot(v), k)));
    const outSlots = Int32Array.from(outputs, (o) => slot(o.value));
    for (const s of outSlots) lastUse.set(s, Infinity);
    const isConst = (s: number): boolean => template[s] !== undefined;
    const release: number[][] = units.map(() => []);
    for (const [s, k] of lastUse) if (k !== Infinity && !isConst(s)) release[k]!.push(s);
    units.forEach((u, k) => u.node.outputs.forEach((o) => lastUse.has(slot(o)) || release[k]!.push(slot(o))));
    const steps: Step[] = units.map((unit, k) => {
      const outs = unit.node.outputs;
      const shapes = outs.every((o) => isStatic(o.shape)) ? outs.map((o) => [...(o.shape as number[])]) : undefined;
      return {
        unit,
        inputs: Int32Array.from(unit.inputs, slot),
        outputs: Int32Array.from(outs, slot),
        args: shapes && { attrs: unit.node.attrs, outShapes: shapes, outDTypes: outs.map((o) => o.dtype) },
        tfDTypes: outs.map((o) => tfDType(o.dtype)),
        release: Int32Array.from(release[k]!),
      };
    });
    for (let s = 0; s < slotOf.size; s++) template[s] ??= undefined;
    return { outputs, outSlots, template, fed, steps };
  }

  private execute(plan: Plan, feeds: Feeds, dims: ReadonlyMap<string, number>): (tf.Tensor | undefined)[] {
    const slots = plan.template.slice();
    const n = slots.length;
    if (this.root.length < n) {
      this.root = new Int32Array(n);
      this.count = new Int32Array(n);
    }
    // Live slots per tensor: a lowering may hand back one of its inputs (a no-op clip, an expand to the same
    // shape), which is then freed once, after its last slot's last use. Constants have root −1.
    const { root, count } = this;
    root.fill(-1, 0, n);
    for (const { input, slot } of plan.fed) {
      slots[slot] = upload(feeds[input.name]!);
      root[slot] = slot;
      count[slot] = 1;
    }
    const inputs: tf.Tensor[] = [];
    for (const step of plan.steps) {
      const ins = step.inputs;
      inputs.length = ins.length;
      for (let i = 0; i < ins.length; i++) inputs[i] = slots[ins[i]!]!;
      const outs = this.apply(step, inputs, dims);
      const os = step.outputs;
      for (let k = 0; k < os.length; k++) {
        const s = os[k]!, t = outs[k]!;
        slots[s] = t;
        let r = s;
        for (let i = 0; i < ins.length; i++) {
          if (inputs[i] === t) {
            r = root[ins[i]!]!;
            break;
          }
        }
        root[s] = r;
        if (r === s) count[s] = 1;
        else if (r >= 0) count[r]!++;
      }
      const rel = step.release;
      for (let i = 0; i < rel.length; i++) {
        const s = rel[i]!, r = root[s]!;
        if (r >= 0 && --count[r]! === 0) slots[s]!.dispose();
        slots[s] = undefined;
      }
    }
    return slots;
  }

  private apply(step: Step, inputs: readonly tf.Tensor[], dims: ReadonlyMap<string, number>): tf.Tensor[] {
    const { node } = step.unit;
    const args = step.args ?? {
      attrs: node.attrs,
      outShapes: node.outputs.map((o) => resolveShape(o.shape, dims)),
      outDTypes: node.outputs.map((o) => o.dtype),
    };
    let res: tf.Tensor | tf.Tensor[];
    try {
      res = step.unit.lower(inputs, args);
    } catch (e) {
      const where = step.unit.nodes.map((m) => `${m.outputs.map((o) => `%${o.id}`).join(', ')} = ${m.op}(${m.inputs.map((v) => `%${v.id}`).join(', ')})`).join('; ');
      throw new Error(`run '${this.graph.name}' on wasm: ${where}: ${(e as Error).message}`, { cause: e });
    }
    const outs = Array.isArray(res) ? res : [res];
    for (let k = 0; k < node.outputs.length; k++) {
      const t = outs[k];
      if (!t || t.dtype !== step.tfDTypes[k] || !sameShape(t.shape, args.outShapes[k]!)) {
        const o = node.outputs[k]!;
        const got = t ? `${t.dtype}[${t.shape.join(', ')}]` : 'nothing';
        throw new Error(`wasm lowering of '${node.op}' returned ${got} for output ${k}, expected ${formatType(o)} = [${args.outShapes[k]!.join(', ')}]; fix its entry in packages/backend-wasm/src/lowering.ts`);
      }
    }
    return outs;
  }
}
