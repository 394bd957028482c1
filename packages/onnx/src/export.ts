// Graph → ONNX ModelProto (opset 17, IR version 8) through each op's own `onnx` lowering face.
import { create, toBinary } from '@bufbuild/protobuf';
import { GraphProtoSchema, ModelProtoSchema, type ModelProto } from 'onnx-buf';
import { Tensor, formatType, getOp, isFloat, type Graph, type GraphInput, type Value } from '@repkit/core';
import { GraphEmitter, type DimSource } from './emitter.ts';
import { valueInfo } from './protos.ts';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

export interface ExportOptions {
  /** Values for fed inputs (parameters) to bake in as initializers; they stop being graph inputs. */
  initializers?: Readonly<Record<string, Tensor>>;
  /** producer_name of the model (default 'repkit'). */
  producer?: string;
  docString?: string;
  /** metadata_props of the model: key/value strings (labels, settings) that travel with the file. */
  metadata?: Readonly<Record<string, string>>;
}

/** Check a baked value against its input and convert it to the declared dtype. */
function bakedTensor(graph: Graph, input: GraphInput, t: unknown): Tensor {
  const what = `exportOnnx: initializers['${input.name}']`;
  const want = input.value;
  if (!(t instanceof Tensor)) throw new Error(`${what} is not a Tensor; pass a @repkit/core Tensor`);
  if (want.shape.some((d) => typeof d !== 'number')) {
    throw new Error(`${what}: input is ${formatType(want)}; only inputs with static shapes can be baked in, feed it instead`);
  }
  const sameShape = t.rank === want.shape.length && t.shape.every((d, k) => d === want.shape[k]);
  const dtypeOk = t.dtype === want.dtype || (isFloat(t.dtype) && isFloat(want.dtype));
  if (!sameShape || !dtypeOk) throw new Error(`${what} is ${t.dtype}[${t.shape.join(', ')}], graph '${graph.name}' expects ${formatType(want)}`);
  if (isFloat(t.dtype)) {
    for (let k = 0; k < t.size; k++) {
      if (!Number.isFinite(t.data[k]!)) throw new Error(`${what}: element ${k} is ${t.data[k]}; weights must be finite`);
    }
  }
  return t.dtype === want.dtype ? t : t.cast(want.dtype);
}

/** For each symbolic dim, the first fed input that carries it. */
function dimSources(fed: readonly GraphInput[]): Map<string, DimSource> {
  const out = new Map<string, DimSource>();
  for (const i of fed) {
    i.value.shape.forEach((d, axis) => {
      if (typeof d === 'string' && !out.has(d)) out.set(d, { input: i.name, axis });
    });
  }
  return out;
}

/** The ModelProto of a graph (see `exportOnnx` for the bytes). */
export function exportModel(graph: Graph, opts: ExportOptions = {}): ModelProto {
  const baked = opts.initializers ?? {};
  for (const name of Object.keys(baked)) {
    const i = graph.inputs.find((x) => x.name === name);
    if (!i || i.kind === 'const') {
      const fed = graph.feeds.map((x) => x.name).join(', ');
      throw new Error(`exportOnnx: initializers['${name}'] is not a fed input of graph '${graph.name}' (fed inputs: ${fed})`);
    }
  }
  const fed = graph.inputs.filter((i) => i.kind !== 'const' && !(i.name in baked));
  const e = new GraphEmitter(dimSources(fed));
  const names = new Map<Value, string>();

  for (const i of graph.inputs) {
    e.reserve(i.name);
    names.set(i.value, i.name);
    if (i.kind === 'const') e.initializer(i.name, i.tensor!);
    else if (i.name in baked) e.initializer(i.name, bakedTensor(graph, i, baked[i.name]));
    else e.defineInput(i.name);
  }
  // A node output takes the name of the first graph output that exposes it; others get an Identity.
  const outputName = new Map<Value, string>();
  for (const o of graph.outputs) {
    const input = graph.inputs.find((i) => i.name === o.name);
    if (input && input.value !== o.value) {
      throw new Error(`exportOnnx: graph '${graph.name}' has an input and a different output both named '${o.name}'; rename one`);
    }
    if (input) continue; // an input returned under its own name is already a valid ONNX output
    e.reserve(o.name);
    if (!names.has(o.value) && !outputName.has(o.value)) outputName.set(o.value, o.name);
  }

  graph.nodes.forEach((n, k) => {
    const outputs = n.outputs.map((v) => outputName.get(v) ?? e.fresh(`v${v.id}`));
    n.outputs.forEach((v, j) => names.set(v, outputs[j]!));
    try {
      getOp(n.op).onnx(e, { inputs: n.inputs.map((v) => names.get(v)!), outputs, inTypes: n.inputs, outTypes: n.outputs, attrs: n.attrs });
      for (const o of outputs) if (!e.isDefined(o)) throw new Error(`the lowering did not produce its output '${o}'`);
    } catch (err) {
      throw new Error(`exportOnnx: graph '${graph.name}', node ${k} (${n.op}): ${(err as Error).message}`, { cause: err });
    }
  });

  for (const o of graph.outputs) {
    const src = names.get(o.value)!;
    if (src !== o.name) e.node('Identity', [src], {}, [o.name]);
  }

  return create(ModelProtoSchema, {
    irVersion: BigInt(ONNX_IR_VERSION),
    opsetImport: [{ domain: '', version: BigInt(ONNX_OPSET) }],
    producerName: opts.producer ?? 'repkit',
    ...(opts.docString !== undefined && { docString: opts.docString }),
    metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: create(GraphProtoSchema, {
      name: graph.name,
      node: e.nodes,
      initializer: e.initializers,
      input: fed.map((i) => valueInfo(i.name, i.value.dtype, i.value.shape)),
      output: graph.outputs.map((o) => valueInfo(o.name, o.value.dtype, o.value.shape)),
    }),
  });
}

/** Serialise a graph as an ONNX model: opset 17, IR version 8. */
export function exportOnnx(graph: Graph, opts: ExportOptions = {}): Uint8Array {
  return toBinary(ModelProtoSchema, exportModel(graph, opts));
}
