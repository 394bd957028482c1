// The tracing API: functions over graph values that read like the formula, e.g.
// `neg(norm(sub(add(h, r), t), 1))`. Each applies one registered primitive.
import { Value, type GraphBuilder } from '../ir/graph.ts';
import { normalizeAxis, type Dim } from '../ir/types.ts';
import type { DType } from '../tensor.ts';
export * from './api-shape.ts';
export * from './api-conv.ts';

export type Operand = Value | number;

function builderOf(op: string, args: readonly Operand[]): GraphBuilder {
  const v = args.find((a): a is Value => a instanceof Value);
  if (!v) throw new Error(`${op}: at least one argument must be a graph value, not only numbers`);
  return v.builder;
}

function lift(op: string, args: readonly Operand[]): Value[] {
  const b = builderOf(op, args);
  const like = args.find((a): a is Value => a instanceof Value && a.dtype !== 'bool') ?? (args.find((a) => a instanceof Value) as Value);
  return args.map((a) => (a instanceof Value ? a : b.literal(a, like.dtype)));
}

function apply1(op: string, inputs: readonly Operand[], attrs: Record<string, unknown> = {}): Value {
  const vs = lift(op, inputs);
  return vs[0]!.builder.apply(op, vs, attrs)[0]!;
}

function allAxes(x: Value): number[] {
  return x.shape.map((_, i) => i);
}

function axesOf(op: string, x: Value, axes?: number | readonly number[]): number[] {
  if (axes === undefined) return allAxes(x);
  const list = typeof axes === 'number' ? [axes] : axes;
  return [...new Set(list.map((a) => normalizeAxis(a, x.rank, op)))].sort((p, q) => p - q);
}

export const add = (a: Operand, b: Operand): Value => apply1('add', [a, b]);
export const sub = (a: Operand, b: Operand): Value => apply1('sub', [a, b]);
export const mul = (a: Operand, b: Operand): Value => apply1('mul', [a, b]);
export const div = (a: Operand, b: Operand): Value => apply1('div', [a, b]);
export const maximum = (a: Operand, b: Operand): Value => apply1('maximum', [a, b]);
export const minimum = (a: Operand, b: Operand): Value => apply1('minimum', [a, b]);
/** a^b elementwise (float); a negative base needs an integer exponent. */
export const pow = (a: Operand, b: Operand): Value => apply1('pow', [a, b]);
export const greater = (a: Operand, b: Operand): Value => apply1('greater', [a, b]);
export const less = (a: Operand, b: Operand): Value => apply1('less', [a, b]);
export const equal = (a: Operand, b: Operand): Value => apply1('equal', [a, b]);
export const neg = (x: Value): Value => apply1('neg', [x]);
export const exp = (x: Value): Value => apply1('exp', [x]);
export const log = (x: Value): Value => apply1('log', [x]);
export const sqrt = (x: Value): Value => apply1('sqrt', [x]);
export const abs = (x: Value): Value => apply1('abs', [x]);
export const sign = (x: Value): Value => apply1('sign', [x]);
export const relu = (x: Value): Value => apply1('relu', [x]);
export const sigmoid = (x: Value): Value => apply1('sigmoid', [x]);
export const tanh = (x: Value): Value => apply1('tanh', [x]);
export const softplus = (x: Value): Value => apply1('softplus', [x]);
export const erf = (x: Value): Value => apply1('erf', [x]);
/** sg(x): x forward, no gradient back (PyTorch's detach). */
export const stopGradient = (x: Value): Value => apply1('stopGradient', [x]);

/** The value a float32 engine holds for `v`: float32 attrs are rounded once, at trace time, as literals are. */
function inDType(v: number, dtype: DType): number {
  return dtype === 'float32' ? Math.fround(v) : v;
}

/** min(max(x, lo), hi); pass ±Infinity (the defaults) to leave a side open. */
export const clip = (x: Value, lo = -Infinity, hi = Infinity): Value =>
  apply1('clip', [x], { min: inDType(lo, x.dtype), max: inDType(hi, x.dtype) });

/** Elementwise select: cond ? a : b, broadcasting all three. */
export function where(cond: Value, a: Operand, b: Operand): Value {
  const [x, y] = lift('where', [a, b]);
  return cond.builder.apply('where', [cond, x!, y!])[0]!;
}

export function cast(x: Value, dtype: DType): Value {
  return x.dtype === dtype ? x : x.builder.apply('cast', [x], { to: dtype })[0]!;
}

export const sum = (x: Value, axes?: number | readonly number[], keepDims = false): Value =>
  x.builder.apply('reduceSum', [x], { axes: axesOf('sum', x, axes), keepDims })[0]!;
export const mean = (x: Value, axes?: number | readonly number[], keepDims = false): Value =>
  x.builder.apply('reduceMean', [x], { axes: axesOf('mean', x, axes), keepDims })[0]!;
export const max = (x: Value, axes?: number | readonly number[], keepDims = false): Value =>
  x.builder.apply('reduceMax', [x], { axes: axesOf('max', x, axes), keepDims })[0]!;
export const min = (x: Value, axes?: number | readonly number[], keepDims = false): Value =>
  x.builder.apply('reduceMin', [x], { axes: axesOf('min', x, axes), keepDims })[0]!;
/** log Σ exp(x) over axes, computed max-shifted (no overflow). */
export const logsumexp = (x: Value, axes?: number | readonly number[], keepDims = false): Value =>
  x.builder.apply('logsumexp', [x], { axes: axesOf('logsumexp', x, axes), keepDims })[0]!;

/** Batched matrix product of the last two dims; leading dims broadcast. */
export const matmul = (a: Value, b: Value): Value => a.builder.apply('matmul', [a, b])[0]!;

/** Permute dims; default reverses them. */
export function transpose(x: Value, perm?: readonly number[]): Value {
  const p = perm ?? allAxes(x).reverse();
  if (p.every((d, i) => d === i)) return x;
  return x.builder.apply('transpose', [x], { perm: p.map((a) => normalizeAxis(a, x.rank, 'transpose')) })[0]!;
}

/** Swap the last two dims (matrix transpose of a batch of matrices). */
export function swapLast(x: Value): Value {
  const p = allAxes(x);
  [p[x.rank - 2], p[x.rank - 1]] = [p[x.rank - 1]!, p[x.rank - 2]!];
  return transpose(x, p);
}

/** Reshape; one -1 entry is inferred when the other dims are static. */
export function reshape(x: Value, shape: readonly Dim[]): Value {
  let target = [...shape];
  const hole = target.indexOf(-1);
  if (hole >= 0) {
    const known = target.filter((d, i) => i !== hole);
    if (!x.shape.every((d) => typeof d === 'number') || !known.every((d) => typeof d === 'number')) {
      const sym = x.shape.filter((d) => typeof d === 'string');
      const rest = x.shape.filter((d): d is number => typeof d === 'number').reduce((p, q) => p * q, 1);
      const knownStatic = known.filter((d): d is number => typeof d === 'number').reduce((p, q) => p * q, 1);
      const knownSym = known.filter((d) => typeof d === 'string');
      if (sym.length === knownSym.length + 1 && rest % knownStatic === 0 && rest === knownStatic) {
        target[hole] = sym.find((s) => !knownSym.includes(s))!;
      } else {
        throw new Error(`reshape: cannot infer -1 in [${shape.join(', ')}] from [${x.shape.join(', ')}]; give the dims explicitly`);
      }
    } else {
      const total = (x.shape as number[]).reduce((p, q) => p * q, 1);
      const part = (known as number[]).reduce((p, q) => p * q, 1);
      target[hole] = part === 0 ? 0 : total / part;
    }
  }
  if (target.length === x.rank && target.every((d, i) => d === x.shape[i])) return x;
  return x.builder.apply('reshape', [x], { shape: target })[0]!;
}

/** Broadcast to `shape` (numpy rules). */
export function expand(x: Value, shape: readonly Dim[]): Value {
  if (shape.length === x.rank && shape.every((d, i) => d === x.shape[i])) return x;
  return x.builder.apply('expand', [x], { shape: [...shape] })[0]!;
}

/** Rows of `table` at int32 `indices`: shape indices.shape ++ table.shape[1:]. */
export const gather = (table: Value, indices: Value): Value => table.builder.apply('gather', [table, indices])[0]!;

/** Sum `updates` into `size` zero rows at int32 `indices` (repeated indices add): the VJP of gather. */
export const scatterAdd = (indices: Value, updates: Value, size: number): Value =>
  updates.builder.apply('scatterAdd', [indices, updates], { size })[0]!;

export const oneHot = (indices: Value, depth: number, dtype: DType = 'float32'): Value =>
  indices.builder.apply('oneHot', [indices], { depth, dtype })[0]!;

export const logSoftmax = (x: Value, axis = -1): Value =>
  x.builder.apply('logSoftmax', [x], { axis: normalizeAxis(axis, x.rank, 'logSoftmax') })[0]!;

export const softmax = (x: Value, axis = -1): Value =>
  x.builder.apply('softmax', [x], { axis: normalizeAxis(axis, x.rank, 'softmax') })[0]!;

export const argmax = (x: Value, axis = -1, keepDims = false): Value =>
  x.builder.apply('argmax', [x], { axis: normalizeAxis(axis, x.rank, 'argmax'), keepDims })[0]!;
export const argmin = (x: Value, axis = -1, keepDims = false): Value =>
  x.builder.apply('argmin', [x], { axis: normalizeAxis(axis, x.rank, 'argmin'), keepDims })[0]!;

/** Sum `g` down to `shape`: undoes broadcasting (used by VJPs). */
export function sumTo(g: Value, shape: readonly Dim[]): Value {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const off = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < off || (shape[i - off] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length ? sum(g, axes, true) : g;
  return reshape(s, shape);
}
