// What an ONNX value is during import: a graph value, or something known at import time that is
// folded (shape arithmetic) or materialised as a constant only where a graph op reads it.
import type { TensorProto } from 'onnx-buf';
import { Tensor, Value, sizeOf, type DType, type Dim } from '@repkit/core';
import { intsFromProto, tensorFromProto } from './tensor-proto.ts';

/** An integer tensor known at import time; entries may be symbolic dims read by Shape from a symbolic input. */
export class Ints {
  constructor(readonly shape: readonly number[], readonly data: readonly Dim[]) {
    if (sizeOf(shape) !== data.length) throw new Error(`Ints: ${data.length} values for shape [${shape.join(', ')}]`);
  }

  /** Every entry is a number (no symbolic dim). */
  get isStatic(): boolean {
    return this.data.every((d) => typeof d === 'number');
  }
}

/** A tensor of one repeated value (ConstantOfShape): a broadcast literal in the graph, never a big constant. */
export class Fill {
  constructor(readonly value: number, readonly dtype: DType, readonly shape: readonly Dim[]) {}
}

export type Slot = Value | Tensor | Ints | Fill;

export interface SlotType {
  dtype: DType;
  shape: readonly Dim[];
}

export function slotType(s: Slot): SlotType {
  if (s instanceof Ints) return { dtype: 'int32', shape: s.shape };
  return { dtype: s.dtype, shape: s.shape };
}

/** Known at import time with no symbolic entry: a node reading only such slots can be folded. */
export function isStaticKnown(s: Slot): boolean {
  if (s instanceof Value) return false;
  if (s instanceof Ints) return s.isStatic;
  if (s instanceof Fill) return s.shape.every((d) => typeof d === 'number');
  return true;
}

/** Known integers of a slot as Dims, or undefined when it is computed at run time. */
export function knownInts(s: Slot): readonly Dim[] | undefined {
  if (s instanceof Ints) return s.data;
  if (s instanceof Tensor && s.dtype === 'int32') return Array.from(s.data);
  if (s instanceof Fill && s.dtype === 'int32' && s.shape.every((d) => typeof d === 'number')) {
    return new Array<number>(sizeOf(s.shape as number[])).fill(s.value);
  }
  return undefined;
}

/** Known numbers of a slot (any dtype), or undefined when computed at run time or symbolic. */
export function knownNumbers(s: Slot): number[] | undefined {
  if (s instanceof Tensor) return Array.from(s.data);
  if (s instanceof Fill) return s.shape.every((d) => typeof d === 'number') ? new Array<number>(sizeOf(s.shape as number[])).fill(s.value) : undefined;
  if (s instanceof Ints) return s.isStatic ? (s.data as number[]) : undefined;
  return undefined;
}

/** An initializer or Constant as a slot: integers stay exact (Slice's INT64_MAX sentinels), others become Tensors. */
export function protoSlot(p: TensorProto, what: string): Slot {
  if (p.dataType === 6 || p.dataType === 7) return new Ints(p.dims.map(Number), intsFromProto(p, what));
  return tensorFromProto(p, what);
}
