// Reductions over a set of axes, with or without kept dims.
import { isFloat } from '../tensor.ts';
import { normalizeAxis, type Dim, type ValueType } from '../ir/types.ts';
import type { Value } from '../ir/graph.ts';
import { defineOp } from './registry.ts';
import { reduce } from './kernels.ts';
import { cast, div, equal, expand, mul, reshape, sum } from './api.ts';

interface ReduceAttrs { axes: readonly number[]; keepDims: boolean }

function reduceType(op: string, [x]: readonly ValueType[], { axes, keepDims }: ReduceAttrs): ValueType[] {
  if (x!.dtype === 'bool') throw new Error(`${op}: bool input; cast to a number type first`);
  const norm = axes.map((a) => normalizeAxis(a, x!.shape.length, op));
  if (norm.some((a, i) => a !== axes[i])) throw new Error(`${op}: axes [${axes.join(', ')}] must be non-negative; the tracing API normalises them`);
  const shape: Dim[] = [];
  x!.shape.forEach((d, i) => {
    if (!axes.includes(i)) shape.push(d);
    else if (keepDims) shape.push(1);
  });
  return [{ dtype: x!.dtype, shape }];
}

/** The cotangent of a reduction, reshaped to kept dims and broadcast back over x. */
function spread(g: Value, x: Value, axes: readonly number[]): Value {
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

// Tied maxima share the cotangent equally (as PyTorch's amax does).
export const reduceMaxOp = defineOp<ReduceAttrs>({
  name: 'reduceMax', doc: 'max over axes (NaN propagates)', arity: 1,
  infer: (t, a) => reduceType('reduceMax', t, a),
  compute: ([x], { axes }, [s]) => [reduce(x!, axes, s!, x!.dtype === 'int32' ? -2147483648 : -Infinity, (acc, v) => (v > acc || v !== v ? v : acc))],
  vjp: ({ inputs: [x], outputs: [y], attrs: { axes } }, [g]) => {
    const mask = cast(equal(x!, spread(y!, x!, axes)), x!.dtype);
    return [div(mul(spread(g!, x!, axes), mask), spread(sum(mask, axes), x!, axes))];
  },
  onnx: (e, n) => void (n.attrs.axes.length === 0
    ? e.node('Identity', n.inputs, {}, n.outputs) // ONNX reads empty axes as "reduce all"
    : e.node('ReduceMax', n.inputs, { axes: { ints: n.attrs.axes }, keepdims: { i: n.attrs.keepDims ? 1 : 0 } }, n.outputs)),
});
