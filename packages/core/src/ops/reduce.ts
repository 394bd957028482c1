// Reductions over a set of axes, with or without kept dims.
import { Tensor, isFloat } from '../tensor.ts';
import { normalizeAxis, type Dim, type ValueType } from '../ir/types.ts';
import type { Value } from '../ir/graph.ts';
import { defineOp } from './registry.ts';
import { binary, reduce } from './kernels.ts';
import { cast, div, equal, exp, expand, mul, reshape, sub, sum } from './api.ts';

interface ReduceAttrs { axes: readonly number[]; keepDims: boolean }

function reduceType(op: string, [x]: readonly ValueType[], { axes, keepDims }: ReduceAttrs): ValueType[] {
  if (x!.dtype === 'bool') throw new Error(`${op}: bool input; cast to a number type first`);
  const norm = axes.map((a) => normalizeAxis(a, x!.shape.length, op));
  if (norm.some((a, i) => a !== axes[i])) throw new Error(`${op}: axes [${axes.join(', ')}] must be non-negative; the tracing API normalises them`);
  if (new Set(axes).size !== axes.length) throw new Error(`${op}: axes [${axes.join(', ')}] repeat an axis; list each once`);
  const shape: Dim[] = [];
  x!.shape.forEach((d, i) => {
    if (!axes.includes(i)) shape.push(d);
    else if (keepDims) shape.push(1);
  });
  return [{ dtype: x!.dtype, shape }];
}

/** The cotangent (or result) of a reduction, reshaped to kept dims and broadcast back over x. */
export function spread(g: Value, x: Value, axes: readonly number[]): Value {
  return expand(reshape(g, x.shape.map((d, i) => (axes.includes(i) ? 1 : d))), x.shape);
}

/** Number of reduced elements: a literal when static, else counted at run time. */
function countOf(x: Value, axes: readonly number[]): Value | number {
  const dims = axes.map((a) => x.shape[a]!);
  if (dims.every((d) => typeof d === 'number')) return (dims as number[]).reduce((p, q) => p * q, 1);
  return sum(expand(x.builder.literal(1, x.dtype), x.shape), axes, true);
}

export const reduceSumOp = defineOp<ReduceAttrs>({
  name: 'reduceSum', doc: 'sum over axes', arity: 1,
  infer: (t, a) => reduceType('reduceSum', t, a),
  compute: ([x], { axes }, [s]) => [reduce(x!, axes, s!, 0, (acc, v) => acc + v)],
  vjp: ({ inputs: [x], attrs: { axes } }, [g]) => [spread(g!, x!, axes)],
  onnx: (e, n) => void (n.attrs.axes.length === 0
    ? e.node('Identity', n.inputs, {}, n.outputs) // ONNX reads empty axes as "reduce all"
    : e.node('ReduceSum', [n.inputs[0]!, e.int64s(n.attrs.axes)], { keepdims: { i: n.attrs.keepDims ? 1 : 0 } }, n.outputs)),
});

export const reduceMeanOp = defineOp<ReduceAttrs>({
  name: 'reduceMean', doc: 'mean over axes', arity: 1,
  infer: ([x], a) => {
    if (!isFloat(x!.dtype)) throw new Error(`reduceMean: needs a float input, got ${x!.dtype}`);
    return reduceType('reduceMean', [x!], a);
  },
  compute: ([x], { axes }, [s]) => {
    const n = axes.reduce((p, a) => p * x!.shape[a]!, 1);
    const t = reduce(x!, axes, s!, 0, (acc, v) => acc + v);
    for (let i = 0; i < t.data.length; i++) t.data[i]! /= n;
    return [t];
  },
  vjp: ({ inputs: [x], attrs: { axes } }, [g]) => [div(spread(g!, x!, axes), countOf(x!, axes))],
  onnx: (e, n) => void (n.attrs.axes.length === 0
    ? e.node('Identity', n.inputs, {}, n.outputs) // ONNX reads empty axes as "reduce all"
    : e.node('ReduceMean', n.inputs, { axes: { ints: n.attrs.axes }, keepdims: { i: n.attrs.keepDims ? 1 : 0 } }, n.outputs)),
});

// Tied extrema share the cotangent equally (as PyTorch's amax and amin do).
function extremum(name: string, onnxOp: string, doc: string, init: (int: boolean) => number, better: (v: number, acc: number) => boolean) {
  return defineOp<ReduceAttrs>({
    name, doc, arity: 1,
    infer: (t, a) => reduceType(name, t, a),
    compute: ([x], { axes }, [s]) => [reduce(x!, axes, s!, init(x!.dtype === 'int32'), (acc, v) => (better(v, acc) || v !== v ? v : acc))],
    vjp: ({ inputs: [x], outputs: [y], attrs: { axes } }, [g]) => {
      const mask = cast(equal(x!, spread(y!, x!, axes)), x!.dtype);
      return [div(mul(spread(g!, x!, axes), mask), spread(sum(mask, axes), x!, axes))];
    },
    // ReduceMax/ReduceMin take axes as an attribute in opset 17 (an input from opset 18).
    onnx: (e, n) => void (n.attrs.axes.length === 0
      ? e.node('Identity', n.inputs, {}, n.outputs) // ONNX reads empty axes as "reduce all"
      : e.node(onnxOp, n.inputs, { axes: { ints: n.attrs.axes }, keepdims: { i: n.attrs.keepDims ? 1 : 0 } }, n.outputs)),
  });
}

export const reduceMaxOp = extremum('reduceMax', 'ReduceMax', 'max over axes (NaN propagates)',
  (int) => (int ? -2147483648 : -Infinity), (v, acc) => v > acc);
export const reduceMinOp = extremum('reduceMin', 'ReduceMin', 'min over axes, NaN propagates (primitive: −max(−x) takes three kernels; ONNX ReduceMin)',
  (int) => (int ? 2147483647 : Infinity), (v, acc) => v < acc);

// A primitive for numerics: m + log Σ exp(x − m), m the max, never overflows, and its VJP
// exp(x − y) is a softmax that stays finite. An infinite m shifts by 0 instead: a row of −∞ gives −∞.
export const logsumexpOp = defineOp<ReduceAttrs>({
  name: 'logsumexp', doc: 'log Σ exp(x) over axes, max-shifted (primitive for numerical stability)', arity: 1,
  infer: ([x], a) => {
    if (!isFloat(x!.dtype)) throw new Error(`logsumexp: needs a float input, got ${x!.dtype}; cast it first`);
    return reduceType('logsumexp', [x!], a);
  },
  compute: ([x], { axes }, [s]) => {
    const m = reduce(x!, axes, s!, -Infinity, (acc, v) => (v > acc || v !== v ? v : acc));
    const shift = m.data.map((v) => (Number.isFinite(v) ? v : 0));
    const keep = x!.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const ex = binary(x!, new Tensor('float64', keep, shift), x!.shape, 'float64', (v, c) => Math.exp(v - c));
    const t = reduce(ex, axes, s!, 0, (acc, v) => acc + v);
    for (let i = 0; i < t.data.length; i++) t.data[i] = shift[i]! + Math.log(t.data[i]!);
    return [t];
  },
  vjp: ({ inputs: [x], outputs: [y], attrs: { axes } }, [g]) => [mul(spread(g!, x!, axes), exp(sub(x!, spread(y!, x!, axes))))],
  // onnxruntime's ReduceLogSumExp shifts by the max as the reference does (case logsumexp/large-logits,
  // logits past float32's exp overflow, checks it), and the single node imports back as logsumexp.
  onnx: (e, n) => void (n.attrs.axes.length === 0
    ? e.node('Identity', n.inputs, {}, n.outputs) // ONNX reads empty axes as "reduce all"
    : e.node('ReduceLogSumExp', n.inputs, { axes: { ints: n.attrs.axes }, keepdims: { i: n.attrs.keepDims ? 1 : 0 } }, n.outputs)),
});
