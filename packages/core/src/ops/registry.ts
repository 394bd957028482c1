// The op registry: every primitive is one definition object with four faces side by side —
// shape/dtype rule, float64 reference kernel, vector-Jacobian rule (written with ops), ONNX lowering.
import type { Tensor, DType } from '../tensor.ts';
import type { Dim, ValueType } from '../ir/types.ts';
import type { GraphBuilder, Value } from '../ir/graph.ts';

/** An ONNX attribute, typed explicitly (a JS number cannot say int or float). */
export type OnnxAttr =
  | { i: number }
  | { f: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { s: string }
  | { t: Tensor };

/** What an op's ONNX lowering writes into; implemented by @repkit/onnx. */
export interface OnnxEmitter {
  /** Append a node; returns its output names (fresh ones unless `outputs` names them). */
  node(opType: string, inputs: readonly string[], attrs?: Record<string, OnnxAttr>, outputs?: readonly string[]): string[];
  /** A constant tensor (an initializer); returns its name. */
  constant(t: Tensor): string;
  /** A 1-D int64 constant (ONNX wants int64 for axes, shapes, indices). */
  int64s(values: readonly number[]): string;
  /** An int64 shape tensor for `dims`; symbolic dims are read from the graph inputs at run time. */
  shape(dims: readonly Dim[]): string;
  /** A name no other value uses (for the extra outputs of multi-output nodes). */
  fresh(base: string): string;
}

/** ONNX TensorProto.DataType codes. */
export const ONNX_DTYPE: Record<DType, number> = { float32: 1, int32: 6, bool: 9, float64: 11 };
export const ONNX_INT64 = 7;

export interface OnnxNodeArgs<A> {
  inputs: readonly string[];
  outputs: readonly string[];
  inTypes: readonly ValueType[];
  outTypes: readonly ValueType[];
  attrs: A;
}

export interface VjpArgs<A> {
  b: GraphBuilder;
  inputs: readonly Value[];
  outputs: readonly Value[];
  attrs: A;
}

export interface OpDef<A = any> {
  readonly name: string;
  /** One line: what the op computes (and why it is a primitive, when it could be composed). */
  readonly doc: string;
  readonly arity?: number;
  /** 1. Type rule: output types from input types; throws naming the op on bad input. */
  infer(inputs: readonly ValueType[], attrs: A): ValueType[];
  /** 2. Reference kernel: floats arrive and leave as float64; `outShapes` are the resolved output shapes. */
  compute(inputs: readonly Tensor[], attrs: A, outShapes: readonly number[][]): Tensor[];
  /** 3. VJP written with ops: cotangent per input, null where none flows. Absent: outputs are discrete. */
  vjp?(args: VjpArgs<A>, cotangents: readonly Value[]): (Value | null)[];
  /** 4. ONNX (opset 17) lowering: write nodes that produce `outputs`. */
  onnx(e: OnnxEmitter, node: OnnxNodeArgs<A>): void;
}

const registry = new Map<string, OpDef>();

export function defineOp<A>(def: OpDef<A>): OpDef<A> {
  if (registry.has(def.name)) throw new Error(`op '${def.name}' is defined twice`);
  registry.set(def.name, def as OpDef);
  return def;
}

export function getOp(name: string): OpDef {
  const def = registry.get(name);
  if (!def) throw new Error(`op '${name}' is not registered (known: ${[...registry.keys()].join(', ')})`);
  return def;
}

export interface OpInfo {
  name: string;
  doc: string;
  faces: { infer: boolean; compute: boolean; vjp: boolean | 'discrete'; onnx: boolean };
}

/** Every registered primitive with its four faces ('discrete' VJP: outputs carry no gradient). */
export function listOps(): OpInfo[] {
  return [...registry.values()].map((d) => ({
    name: d.name,
    doc: d.doc,
    faces: {
      infer: typeof d.infer === 'function',
      compute: typeof d.compute === 'function',
      vjp: typeof d.vjp === 'function' ? true : 'discrete',
      onnx: typeof d.onnx === 'function',
    },
  }));
}
