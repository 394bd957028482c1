// Builders for ONNX ops whose semantics differ from one core primitive: layouts of known slots,
// Gather on any axis, MatMul of vectors, Gemm, OneHot, ScatterND, opset-12 softmax and normalisations.
import * as op from '@repkit/core';
import { Tensor, type Dim, type DType, type Value } from '@repkit/core';
import type { NodeContext } from './context.ts';
import { Fill, Ints, knownInts, type Slot } from './slots.ts';
import { flattenShape, normAxis } from './shapes.ts';

const range = (a: number, b: number): number[] => Array.from({ length: Math.max(b - a, 0) }, (_, i) => a + i);

/** A new shape for input k: known integers and fills stay known; a graph value gets `layout` (reshape, squeeze, ...). */
export function relayout(c: NodeContext, k: number, shape: readonly Dim[], layout: (x: Value) => Value): Slot {
  const s = c.slot(k);
  if (s instanceof Ints && shape.every((d) => typeof d === 'number')) return new Ints(shape as number[], s.data);
  if (s instanceof Fill) return new Fill(s.value, s.dtype, shape);
  return layout(c.value(k));
}

/** `x` when it was made by a reshape of a value already shaped `shape` (undoes an exported Unsqueeze). */
export function unreshape(c: NodeContext, x: Value, shape: readonly Dim[]): Value {
  const p = c.producer(x);
  const src = p && (p.op === 'reshape' || p.op === 'unsqueeze') ? p.inputs[0]! : undefined;
  if (src && src.rank === shape.length && src.shape.every((d, i) => d === shape[i])) return src;
  return op.reshape(x, shape);
}

/** ONNX Gather along any axis: core gathers rows, so move the axis first and the index dims back. */
export function gatherAxis(c: NodeContext, axis: number): Slot {
  const { shape } = c.type(0);
  const a = normAxis(axis, shape.length, 'axis');
  const n = shape[a]!;
  const known = knownInts(c.slot(1));
  const idx = known?.map((i) => {
    if (typeof i !== 'number') return c.fail('indices must be integers');
    const j = i < 0 && typeof n === 'number' ? i + n : i;
    if (j < 0 || (typeof n === 'number' && j >= n)) c.fail(`index ${i} is out of range for axis ${a} of size ${n}`);
    return j;
  });
  const data = c.slot(0);
  if (data instanceof Ints && shape.length === 1 && idx) return new Ints(c.type(1).shape as number[], idx.map((j) => data.data[j]!));
  const indices = idx && idx.some((j, i) => j !== known![i])
    ? c.b.constant(c.b.freshName('indices_'), new Tensor('int32', c.type(1).shape as number[], Int32Array.from(idx)))
    : c.value(1);
  const x = c.value(0);
  if (a === 0) return op.gather(x, indices);
  const moved = op.gather(op.transpose(x, [a, ...range(0, a), ...range(a + 1, x.rank)]), indices);
  const q = indices.rank;
  return op.transpose(moved, [...range(q, q + a), ...range(0, q), ...range(q + a, moved.rank)]);
}

/** ONNX MatMul: numpy semantics, where a 1-D operand is a row (left) or a column (right) that is dropped after. */
export function matmulNd(a: Value, b: Value): Value {
  if (a.rank >= 2 && b.rank >= 2) return op.matmul(a, b);
  if (a.rank === 0 || b.rank === 0) throw new Error('MatMul operands must have rank ≥ 1');
  const y = op.matmul(a.rank === 1 ? op.reshape(a, [1, a.shape[0]!]) : a, b.rank === 1 ? op.reshape(b, [b.shape[0]!, 1]) : b);
  const s = [...y.shape];
  if (b.rank === 1) s.splice(s.length - 1, 1);
  if (a.rank === 1) s.splice(s.length - (b.rank === 1 ? 1 : 2), 1);
  return op.reshape(y, s);
}

/** Gemm: alpha · A′B′ + beta · C, with A′, B′ transposed as asked; unit factors add no node. */
export function gemm(c: NodeContext): Value {
  const a = c.int('transA', 0) ? op.transpose(c.value(0)) : c.value(0);
  const b = c.int('transB', 0) ? op.transpose(c.value(1)) : c.value(1);
  const alpha = c.float('alpha', 1), beta = c.float('beta', 1);
  let y = op.matmul(a, b);
  if (alpha !== 1) y = op.mul(y, alpha);
  if (!c.has(2) || beta === 0) return y;
  return op.add(y, beta === 1 ? c.value(2) : op.mul(c.value(2), beta));
}

/** OneHot(indices, depth, [off, on]) along `axis`: core's one-hot is last-axis and 0/1. */
export function oneHotAxis(c: NodeContext): Value {
  let idx = c.value(0);
  if (idx.dtype !== 'int32') idx = op.cast(idx, 'int32');
  const depth = c.scalar(1, 'depth');
  c.expect(Number.isInteger(depth) && depth >= 1, `depth must be a positive integer, got ${depth}`);
  const values = c.numbers(2, 'values');
  c.expect(values.length === 2, `values must hold [off, on], got ${values.length} values`);
  const dtype: DType = c.type(2).dtype;
  const [off, on] = values as [number, number];
  const hot = off === 0 && on === 1 && dtype !== 'bool'
    ? op.oneHot(idx, depth, dtype)
    : op.where(op.cast(op.oneHot(idx, depth, 'int32'), 'bool'), c.literal(on, dtype), c.literal(off, dtype));
  const r = hot.rank, a = normAxis(c.int('axis', -1), r, 'axis');
  return a === r - 1 ? hot : op.transpose(hot, [...range(0, a), r - 1, ...range(a, r - 1)]);
}

/** ScatterND with reduction 'add' and one index per row: data + core's scatterAdd (rows summed at repeated indices). */
export function scatterNd(c: NodeContext): Value {
  const reduction = c.string('reduction', 'none');
  c.expect(reduction === 'add', `reduction '${reduction}' is not supported; only 'add' with one index per row (core's scatterAdd)`);
  const data = c.type(0), ix = c.type(1);
  c.expect(ix.shape.at(-1) === 1, `indices ${JSON.stringify(ix.shape)} must end in 1 (whole rows); deeper indexing is not supported`);
  const rows = data.shape[0];
  c.expect(typeof rows === 'number', 'data needs a static first dim (the row count)');
  const s = op.scatterAdd(unreshape(c, c.value(1), ix.shape.slice(0, -1)), c.value(2), rows as number);
  c.expect(s.rank === data.shape.length && s.shape.every((d, i) => d === data.shape[i]), `updates give rows of [${s.shape.join(', ')}], data is [${data.shape.join(', ')}]`);
  const d = c.slot(0);
  return d instanceof Fill && d.value === 0 ? s : op.add(c.value(0), s);
}

/** Softmax-like ops: from opset 13 along `axis`; before, over x coerced to 2-D at `axis` (rows of the flattened tail). */
export function softmaxLike(c: NodeContext, f: (x: Value, axis: number) => Value): Value {
  const x = c.value(0);
  const axis = normAxis(c.int('axis', c.opset < 13 ? 1 : -1), x.rank, 'axis');
  if (c.opset >= 13 || axis === x.rank - 1) return f(x, axis);
  return op.reshape(f(op.reshape(x, flattenShape(x.shape, axis, 'axis')), 1), x.shape);
}

/** Per-channel parameters [C] shaped to broadcast over NC… */
function channel(v: Value, rank: number): Value {
  return op.reshape(v, [v.shape[0]!, ...new Array<number>(Math.max(rank - 2, 0)).fill(1)]);
}

/** BatchNormalization in inference mode: (x − mean) / √(var + ε) · scale + B over channel dim 1. */
export function batchNorm(c: NodeContext): Value {
  c.expect(c.int('training_mode', 0) === 0, 'training_mode=1 is not supported; export the model in eval mode');
  c.expect(c.int('spatial', 1) === 1, 'spatial=0 is not supported');
  const x = c.value(0), r = x.rank, eps = c.float('epsilon', 1e-5);
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((k) => channel(c.value(k), r)) as [Value, Value, Value, Value];
  return op.add(op.mul(op.div(op.sub(x, mean), op.sqrt(op.add(variance, eps))), scale), bias);
}

/** LayerNormalization over the dims from `axis` on: outputs Y, Mean and InvStdDev (both keep dims). */
export function layerNorm(c: NodeContext): Value[] {
  c.expect(c.int('stash_type', 1) === 1, 'only stash_type=1 (float32 statistics) is supported');
  const x = c.value(0), eps = c.float('epsilon', 1e-5);
  const a = normAxis(c.int('axis', -1), x.rank, 'axis');
  const axes = range(a, x.rank);
  const mu = op.mean(x, axes, true);
  const d = op.sub(x, mu);
  const std = op.sqrt(op.add(op.mean(op.mul(d, d), axes, true), eps));
  let y = op.mul(op.div(d, std), c.value(1));
  if (c.has(2)) y = op.add(y, c.value(2));
  return [y, mu, op.div(1, std)];
}

/** Split into pieces along `axis`: sizes from the `split` input (opset 13) or attribute, else equal parts per output. */
export function split(c: NodeContext): Value[] {
  const x = c.value(0), a = normAxis(c.int('axis', 0), x.rank, 'axis'), n = x.shape[a];
  c.expect(typeof n === 'number', `axis ${a} has symbolic size '${n}'; only static axes can be split`);
  const outs = c.node.output.length;
  const sizes = c.intList('split') ?? (c.has(1) ? c.ints(1, 'split') : new Array<number>(outs).fill(Math.ceil((n as number) / outs)));
  c.expect(sizes.length === outs, `split sizes [${sizes.join(', ')}] must have one entry per output (${outs})`);
  let start = 0;
  return sizes.map((s) => op.slice(x, [start], [(start += s)], [a]));
}

/** Tile by known repeats: interleave size-1 dims, broadcast them to the repeats, merge each pair. */
export function tile(c: NodeContext): Value {
  const x = c.value(0), reps = c.ints(1, 'repeats');
  c.expect(reps.length === x.rank && reps.every((r) => Number.isInteger(r) && r >= 0), `repeats [${reps.join(', ')}] must be ${x.rank} non-negative integers`);
  if (reps.every((r) => r === 1)) return x;
  const pairs = x.shape.flatMap((d) => [1, d]);
  const wide = op.expand(op.reshape(x, pairs), x.shape.flatMap((d, i) => [reps[i]!, d]));
  return op.reshape(wide, x.shape.map((d, i) => {
    if (reps[i] === 1) return d;
    c.expect(typeof d === 'number', `dim ${i} is symbolic ('${d}'); only static dims can be tiled`);
    return (d as number) * reps[i]!;
  }));
}

/** Range of known scalars, folded now: integers stay exact, floats are start + i·delta rounded to float32. */
export function rangeSlot(c: NodeContext): Slot {
  const [start, limit, delta] = [0, 1, 2].map((k) => c.scalar(k, ['start', 'limit', 'delta'][k]!)) as [number, number, number];
  c.expect(delta !== 0, 'delta must not be 0');
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  const values = Array.from({ length: n }, (_, i) => start + i * delta);
  const dtype = c.type(0).dtype;
  if (dtype === 'int32') return c.ints1d(values);
  return new Tensor(dtype, [n], dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values));
}
