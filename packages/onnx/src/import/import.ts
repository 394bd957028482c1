// ONNX ModelProto → core Graph: inputs and initializers first, then each node through the one import
// table, folding what is known at import time (shape arithmetic) and tracing the rest with core ops.
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, type GraphProto, type ModelProto, type NodeProto, type ValueInfoProto } from 'onnx-buf';
import {
  GraphBuilder, Tensor, Value, formatType, interpret, prune, type Dim, type DType, type Graph,
} from '@repkit/core';
import { NodeContext } from './context.ts';
import { Fill, Ints, isStaticKnown, protoSlot, slotType, type Slot } from './slots.ts';
import { importDType, toInt32 } from './tensor-proto.ts';
import { IMPORTERS } from './table.ts';

/** Oldest and newest ai.onnx opset read; older models use attribute forms this table does not know. */
export const IMPORT_OPSETS = { min: 7, max: 17 } as const;

/** 'constants' (default): none; 'initializers': every float initializer of rank ≥ 1 (weights, not scalar literals); or these names. */
export type ParamsChoice = 'constants' | 'initializers' | readonly string[];

export interface ImportOptions {
  /** Which initializers become parameters (values in `params`, for fine-tuning); the rest travel as constants. */
  params?: ParamsChoice;
  /** Graph name (default: the model's graph name, or 'onnx'). */
  name?: string;
}

export interface ImportedModel {
  graph: Graph;
  /** Initial values of the parameters chosen by `options.params`, by input name. */
  params: Record<string, Tensor>;
  opset: number;
  producer: string;
}

/** Decode ONNX bytes into a core Graph that runs on any backend. */
export function importOnnx(bytes: Uint8Array, opts: ImportOptions = {}): Graph {
  return importModel(bytes, opts).graph;
}

/** `importOnnx` with the parameter values, the model's opset and its producer. */
export function importModel(bytes: Uint8Array, opts: ImportOptions = {}): ImportedModel {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new Error('importOnnx: bytes must be a non-empty Uint8Array (the contents of an .onnx file)');
  const p = opts.params;
  if (p !== undefined && p !== 'constants' && p !== 'initializers' && !(Array.isArray(p) && p.every((n) => typeof n === 'string'))) {
    throw new Error(`importOnnx: options.params must be 'constants', 'initializers' or a list of initializer names, got ${JSON.stringify(p)}`);
  }
  let m: ModelProto;
  try {
    m = fromBinary(ModelProtoSchema, bytes);
  } catch (e) {
    throw new Error(`importOnnx: not an ONNX model (protobuf decoding failed: ${(e as Error).message})`, { cause: e });
  }
  if (!m.graph || (m.graph.node.length === 0 && m.graph.output.length === 0)) throw new Error('importOnnx: not an ONNX model (no graph with outputs)');
  const opset = m.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!opset) throw new Error('importOnnx: the model imports no ai.onnx opset');
  const version = Number(opset.version);
  if (version < IMPORT_OPSETS.min || version > IMPORT_OPSETS.max) {
    throw new Error(`importOnnx: the model uses ai.onnx opset ${version}; supported: ${IMPORT_OPSETS.min} to ${IMPORT_OPSETS.max} (convert it with onnx.version_converter)`);
  }
  const imp = new Importer(m.graph, version, opts);
  return { graph: imp.run(), params: imp.params, opset: version, producer: m.producerName };
}

class Importer {
  readonly params: Record<string, Tensor> = {};
  private readonly b: GraphBuilder;
  private readonly slots = new Map<string, Slot>();
  /** Graph values made from known slots, by slot: an initializer read under several names (Identity) is one constant. */
  private readonly made = new Map<Slot, Value>();
  /** The initializer name of each initializer's slot. */
  private readonly initializers = new Map<Slot, string>();
  /** How many node inputs and graph outputs read each ONNX name. */
  private readonly uses = new Map<string, number>();

  constructor(private readonly g: GraphProto, private readonly opset: number, private readonly opts: ImportOptions) {
    this.b = new GraphBuilder(opts.name ?? (g.name || 'onnx'));
    for (const n of g.node) for (const i of n.input) this.uses.set(i, (this.uses.get(i) ?? 0) + 1);
    for (const o of g.output) this.uses.set(o.name, (this.uses.get(o.name) ?? 0) + 1);
  }

  run(): Graph {
    if (this.g.sparseInitializer.length) throw new Error('importOnnx: sparse initializers are not supported');
    for (const t of this.g.initializer) {
      if (this.slots.has(t.name)) throw new Error(`importOnnx: initializer '${t.name}' is defined twice`);
      const s = protoSlot(t, `importOnnx: initializer '${t.name}'`);
      this.slots.set(t.name, s);
      this.initializers.set(s, t.name);
    }
    this.declareInputs();
    this.g.node.forEach((n, k) => this.runNode(n, k));
    const outputs: Record<string, Value> = {};
    for (const o of this.g.output) {
      if (!this.slots.has(o.name)) throw new Error(`importOnnx: graph output '${o.name}' is produced by no node, input or initializer`);
      const v = this.value(o.name, this.b, `graph output '${o.name}'`);
      checkDeclared(o, v);
      outputs[o.name] = v;
    }
    const graph = prune(this.b.build(outputs));
    for (const name of Object.keys(this.params)) if (!graph.inputs.some((i) => i.name === name)) delete this.params[name];
    if (Array.isArray(this.opts.params)) {
      const missing = this.opts.params.filter((n) => !(n in this.params));
      if (missing.length) throw new Error(`importOnnx: options.params names ${missing.map((n) => `'${n}'`).join(', ')}, not float initializers the graph reads`);
    }
    return graph;
  }

  private trainable(name: string | undefined, s: Slot): s is Tensor {
    if (name === undefined || !(s instanceof Tensor) || (s.dtype !== 'float32' && s.dtype !== 'float64')) return false;
    const p = this.opts.params;
    return Array.isArray(p) ? p.includes(name) : p === 'initializers' && s.rank >= 1;
  }

  private declareInputs(): void {
    const named = new Set<string>();
    for (const i of this.g.input) for (const d of tensorType(i)?.shape?.dim ?? []) if (d.value.case === 'dimParam') named.add(d.value.value);
    for (const i of this.g.input) {
      if (this.slots.has(i.name)) continue; // IR < 4 lists initializers among the inputs: they keep their value
      const what = `importOnnx: graph input '${i.name}'`;
      const t = tensorType(i);
      if (!t) throw new Error(`${what} is not a tensor (sequences, maps and optionals are not supported)`);
      if (!t.shape) throw new Error(`${what} has no shape; core graphs need every input's rank (export with static or named dims)`);
      const dtype = importDType(t.elemType, what);
      const shape = t.shape.dim.map((d, axis): Dim => {
        if (d.value.case === 'dimValue' && d.value.value >= 0n) return Number(d.value.value);
        if (d.value.case === 'dimParam' && d.value.value !== '') return d.value.value;
        // An unnamed dynamic dim gets a name of its own: it binds at run time like any symbolic dim.
        let name = `${i.name}_dim${axis}`;
        while (named.has(name)) name += '_';
        named.add(name);
        return name;
      });
      this.slots.set(i.name, this.b.data(i.name, dtype, shape));
    }
  }

  private runNode(n: NodeProto, k: number): void {
    const where = `importOnnx: node ${k} '${n.name}' (${n.opType}, opset ${this.opset})`;
    const entry = Object.hasOwn(IMPORTERS, n.opType) ? IMPORTERS[n.opType] : undefined;
    if (n.domain !== '' && n.domain !== 'ai.onnx') {
      throw new Error(`${where}: domain '${n.domain}' is not supported; only ai.onnx ops (see supportedOnnxOps())`);
    }
    if (!entry) throw new Error(`${where}: op ${n.opType} is not supported; supported: ${Object.keys(IMPORTERS).sort().join(', ')}`);
    const allowed = entry.attrs ?? [];
    for (const a of n.attribute) {
      if (!allowed.includes(a.name)) {
        throw new Error(`${where}: attribute '${a.name}' is not supported (supported: ${allowed.join(', ') || 'none'})`);
      }
    }
    const inputs = n.input.map((name) => {
      if (name === '') return undefined;
      const s = this.slots.get(name);
      if (s === undefined) throw new Error(`${where}: input '${name}' is not defined before this node (nodes must be in topological order)`);
      return s;
    });
    let outs: readonly Slot[];
    try {
      outs = this.fold(n, inputs) ?? this.build(n, inputs, this.b);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
    }
    n.output.forEach((name, j) => {
      if (name === '') return;
      const s = outs[j];
      if (s === undefined) throw new Error(`${where}: output ${j} ('${name}') is not supported; leave it unused`);
      if (this.slots.has(name)) throw new Error(`${where}: output '${name}' is defined twice (ONNX graphs are SSA)`);
      this.slots.set(name, s);
    });
  }

  private build(n: NodeProto, inputs: readonly (Slot | undefined)[], b: GraphBuilder): Slot[] {
    const materialize = b === this.b
      ? (k: number) => this.value(n.input[k]!, b, `input ${k} '${n.input[k]}'`)
      : (k: number) => constantOf(b, inputs[k]!, `input ${k} '${n.input[k]}'`);
    const otherUses = (k: number) => (this.uses.get(n.input[k]!) ?? 0) - n.input.filter((x) => x === n.input[k]).length;
    const out = IMPORTERS[n.opType]!.run(new NodeContext(b, n, this.opset, inputs, materialize, otherUses));
    return Array.isArray(out) ? [...out] : [out as Slot];
  }

  /** A node reading only static known inputs, whose outputs are integers or bools, is evaluated now. */
  private fold(n: NodeProto, inputs: readonly (Slot | undefined)[]): Slot[] | undefined {
    if (!inputs.every((s) => s === undefined || isStaticKnown(s))) return undefined;
    const scratch = new GraphBuilder('fold');
    const outs = this.build(n, inputs, scratch);
    const computed = outs.flatMap((s, j) => (s instanceof Value ? [[j, s] as const] : []));
    if (computed.some(([, v]) => v.dtype !== 'int32' && v.dtype !== 'bool')) return undefined;
    if (computed.length === 0) return outs;
    const res = interpret(scratch.build(Object.fromEntries(computed.map(([j, v]) => [`o${j}`, v]))), {});
    for (const [j] of computed) {
      const t = res[`o${j}`]!;
      outs[j] = t.dtype === 'int32' ? new Ints(t.shape, Array.from(t.data)) : t;
    }
    return outs;
  }

  /** The graph value of an ONNX name; known slots become constants (or parameters) on first use. */
  private value(name: string, b: GraphBuilder, what: string): Value {
    const s = this.slots.get(name)!;
    if (s instanceof Value) return s;
    let v = this.made.get(s);
    if (!v) {
      const init = this.initializers.get(s);
      if (this.trainable(init, s)) {
        v = b.param(init!, s.dtype, s.shape);
        this.params[init!] = s;
      } else {
        v = constantOf(b, s, what, init ?? name);
      }
      this.made.set(s, v);
    }
    return v;
  }
}

/** A known slot as a graph value: a constant, or a broadcast literal for a fill. */
function constantOf(b: GraphBuilder, s: Slot, what: string, name = 'const'): Value {
  if (s instanceof Value) return s;
  if (s instanceof Fill) {
    const lit = b.literal(s.value, s.dtype);
    return s.shape.length === 0 ? lit : b.apply('expand', [lit], { shape: [...s.shape] })[0]!;
  }
  const free = b.inputs.some((i) => i.name === name) ? b.freshName(`${name}_`) : name;
  if (s instanceof Ints) {
    const sym = s.data.find((d) => typeof d === 'string');
    if (sym !== undefined) {
      throw new Error(`${what} holds the symbolic dim '${sym}', known only at run time; core graphs compute shapes at import time, so this model needs static shapes here`);
    }
    return b.constant(free, new Tensor('int32', s.shape, toInt32(s.data as number[], what)));
  }
  return b.constant(free, s);
}

function tensorType(v: ValueInfoProto) {
  return v.type?.value.case === 'tensorType' ? v.type.value.value : undefined;
}

/** A graph output's declared element type and static dims must match what the import computed. */
function checkDeclared(o: ValueInfoProto, v: Value): void {
  const t = tensorType(o);
  if (!t) return;
  const what = `importOnnx: graph output '${o.name}'`;
  const declared: DType | undefined = t.elemType ? importDType(t.elemType, what) : undefined;
  const dims = t.shape?.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : undefined));
  const bad = (declared !== undefined && declared !== v.dtype)
    || (dims !== undefined && (dims.length !== v.rank || dims.some((d, i) => d !== undefined && typeof v.shape[i] === 'number' && d !== v.shape[i])));
  if (bad) {
    const want = `${declared ?? '?'}[${(dims ?? []).map((d) => d ?? '?').join(', ')}]`;
    throw new Error(`${what} is declared ${want}, but the imported graph computes ${formatType(v)}`);
  }
}
