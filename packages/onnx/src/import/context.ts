// What an import-table entry sees of one ONNX node: its inputs as slots or graph values, typed
// attribute readers, and errors that the importer prefixes with the node's index, name, op and opset.
import { AttributeProto_AttributeType as AttrType, type AttributeProto, type NodeProto } from 'onnx-buf';
import { Value, type DType, type Dim, type GraphBuilder, type Node } from '@repkit/core';
import { Ints, knownInts, knownNumbers, protoSlot, slotType, type Slot, type SlotType } from './slots.ts';

/** What an entry returns: one slot per node output (an entry may return fewer when outputs are optional). */
export type Outputs = Slot | readonly Slot[];

export interface Importer {
  /** Attribute names the entry reads; any other attribute on the node is an error. */
  readonly attrs?: readonly string[];
  /** Build the node's outputs with core ops (or fold them to known slots). */
  run(c: NodeContext): Outputs;
}

export class NodeContext {
  constructor(
    readonly b: GraphBuilder,
    readonly node: NodeProto,
    readonly opset: number,
    private readonly slots: readonly (Slot | undefined)[],
    private readonly materialize: (k: number) => Value,
    /** ONNX readers of input k other than this node (graph outputs count). */
    private readonly otherUses: (k: number) => number,
  ) {}

  get inputCount(): number {
    return this.slots.length;
  }

  /** Is optional input k given (present and not the empty name)? */
  has(k: number): boolean {
    return this.slots[k] !== undefined;
  }

  slot(k: number): Slot {
    const s = this.slots[k];
    if (s === undefined) this.fail(`input ${k} is required`);
    return s;
  }

  type(k: number): SlotType {
    return slotType(this.slot(k));
  }

  /** Input k as a graph value (known inputs become constants here). */
  value(k: number): Value {
    this.slot(k);
    return this.materialize(k);
  }

  /** Every given input as a graph value (variadic ops). */
  values(): Value[] {
    return this.slots.flatMap((s, k) => (s === undefined ? [] : [this.materialize(k)]));
  }

  /** Input k read only by this node: a peephole may replace the node that produced it. */
  soleUse(k: number): boolean {
    return this.otherUses(k) === 0;
  }

  /** The node of this graph that produced `v`, if any. */
  producer(v: Value): Node | undefined {
    for (let i = this.b.nodes.length - 1; i >= 0; i--) if (this.b.nodes[i]!.outputs.includes(v)) return this.b.nodes[i];
    return undefined;
  }

  /** Input k as integers known at import time, entries possibly symbolic dims (shapes). */
  dims(k: number, what: string): Dim[] {
    const v = knownInts(this.slot(k));
    if (!v) this.fail(`${what} (input ${k} '${this.node.input[k]}') must be an integer tensor known at import time, but it is computed at run time`);
    return [...v];
  }

  /** Input k as static integers known at import time. */
  ints(k: number, what: string): number[] {
    const d = this.dims(k, what);
    const sym = d.find((x) => typeof x === 'string');
    if (sym !== undefined) this.fail(`${what} (input ${k}) holds the symbolic dim '${sym}'; it must be static here`);
    return d as number[];
  }

  /** Input k as numbers known at import time (any dtype). */
  numbers(k: number, what: string): number[] {
    const v = knownNumbers(this.slot(k));
    if (!v) this.fail(`${what} (input ${k} '${this.node.input[k]}') must be known at import time (an initializer or Constant), but it is computed at run time`);
    return v;
  }

  /** A single known number (a scalar or one-element tensor). */
  scalar(k: number, what: string): number {
    const v = this.numbers(k, what);
    if (v.length !== 1) this.fail(`${what} (input ${k}) must hold one value, got ${v.length}`);
    return v[0]!;
  }

  private attr(name: string, type: AttrType): AttributeProto | undefined {
    const a = this.node.attribute.find((x) => x.name === name);
    if (!a) return undefined;
    if (a.refAttrName) this.fail(`attribute '${name}' refers to a function attribute; only plain attributes are supported`);
    if (a.type !== type && a.type !== AttrType.UNDEFINED) this.fail(`attribute '${name}' has type ${AttrType[a.type]}, expected ${AttrType[type]}`);
    return a;
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const a = this.attr(name, AttrType.INT);
    return a ? Number(a.i) : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.attr(name, AttrType.FLOAT);
    return a ? a.f : fallback;
  }

  intList(name: string): number[] | undefined {
    const a = this.attr(name, AttrType.INTS);
    return a ? a.ints.map(Number) : undefined;
  }

  floatList(name: string): number[] | undefined {
    const a = this.attr(name, AttrType.FLOATS);
    return a ? [...a.floats] : undefined;
  }

  string(name: string, fallback: string): string {
    const a = this.attr(name, AttrType.STRING);
    return a ? new TextDecoder().decode(a.s) : fallback;
  }

  /** A tensor attribute as a slot (integers exact, see `protoSlot`). */
  tensor(name: string): Slot | undefined {
    const a = this.attr(name, AttrType.TENSOR);
    if (!a) return undefined;
    if (!a.t) this.fail(`attribute '${name}' holds no tensor`);
    return protoSlot(a.t, `attribute '${name}'`);
  }

  /** Throw; the importer adds the node's index, name, op type and opset. */
  fail(message: string): never {
    throw new Error(message);
  }

  /** Require a condition on an attribute value, naming it and what is supported. */
  expect(ok: boolean, message: string): void {
    if (!ok) this.fail(message);
  }

  /** A known integer slot (shape arithmetic) from dims. */
  ints1d(dims: readonly Dim[], scalar = false): Ints {
    return new Ints(scalar ? [] : [dims.length], dims);
  }

  literal(v: number, dtype: DType): Value {
    return this.b.literal(v, dtype);
  }
}
