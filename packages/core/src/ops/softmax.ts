// softmax and log-softmax: primitives for numerics (max-shifted in one step; VJPs from the outputs).
import { Tensor, allocate, isFloat } from '../tensor.ts';
import type { ValueType } from '../ir/types.ts';
import { defineOp } from './registry.ts';
import { exp, mul, sub, sum } from './api.ts';

function softmaxType(op: string, [x]: readonly ValueType[], axis: number): ValueType[] {
  if (!isFloat(x!.dtype)) throw new Error(`${op}: needs a float input, got ${x!.dtype}; cast it first`);
  if (!Number.isInteger(axis) || axis < 0 || axis >= x!.shape.length) throw new Error(`${op}: axis ${axis} out of range for rank ${x!.shape.length}`);
  return [{ dtype: x!.dtype, shape: x!.shape }];
}

/** Each line along `axis`: its max m and s = Σ exp(x − m), handed to `write` with the line's base and stride. */
function lines(x: Tensor, axis: number, write: (out: Float64Array, base: number, inner: number, m: number, s: number) => void): Tensor {
  const n = x.shape[axis]!, inner = x.shape.slice(axis + 1).reduce((p, q) => p * q, 1);
  const outer = x.size / Math.max(n * inner, 1);
  const out = allocate('float64', x.size) as Float64Array, d = x.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) m = Math.max(m, d[base + k * inner]!);
      let s = 0;
      for (let k = 0; k < n; k++) s += Math.exp(d[base + k * inner]! - m);
      write(out, base, inner, m, s);
    }
  }
  return new Tensor('float64', x.shape, out);
}

export const logSoftmaxOp = defineOp<{ axis: number }>({
  name: 'logSoftmax', doc: 'x − logΣexp(x) along an axis (primitive for numerical stability)', arity: 1,
  infer: (t, { axis }) => softmaxType('logSoftmax', t, axis),
  compute: ([x], { axis }) => {
    const n = x!.shape[axis]!, d = x!.data;
    return [lines(x!, axis, (out, base, inner, m, s) => {
      const lse = m + Math.log(s);
      for (let k = 0; k < n; k++) out[base + k * inner] = d[base + k * inner]! - lse;
    })];
  },
  vjp: ({ outputs: [y], attrs: { axis } }, [g]) => [sub(g!, mul(exp(y!), sum(g!, axis, true)))],
  onnx: (e, n) => void e.node('LogSoftmax', n.inputs, { axis: { i: n.attrs.axis } }, n.outputs),
});

// A primitive (not exp(logSoftmax x)): one kernel, and the VJP y·(g − Σ g·y) reads only the output.
export const softmaxOp = defineOp<{ axis: number }>({
  name: 'softmax', doc: 'exp(x − m) / Σ exp(x − m) along an axis, m the max (primitive for numerical stability)', arity: 1,
  infer: (t, { axis }) => softmaxType('softmax', t, axis),
  compute: ([x], { axis }) => {
    const n = x!.shape[axis]!, d = x!.data;
    return [lines(x!, axis, (out, base, inner, m, s) => {
      for (let k = 0; k < n; k++) out[base + k * inner] = Math.exp(d[base + k * inner]! - m) / s;
    })];
  },
  vjp: ({ outputs: [y], attrs: { axis } }, [g]) => [mul(y!, sub(g!, sum(mul(g!, y!), axis, true)))],
  // Softmax-13 normalises along one axis (older opsets flattened the trailing dims).
  onnx: (e, n) => void e.node('Softmax', n.inputs, { axis: { i: n.attrs.axis } }, n.outputs),
});
