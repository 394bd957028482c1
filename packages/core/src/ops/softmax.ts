// log-softmax: a primitive for numerics (x − max − log Σ exp(x − max) in one stable step).
import { Tensor, allocate, isFloat } from '../tensor.ts';
import { defineOp } from './registry.ts';
import { exp, mul, sub, sum } from './api.ts';

export const logSoftmaxOp = defineOp<{ axis: number }>({
  name: 'logSoftmax', doc: 'x − logΣexp(x) along an axis (primitive for numerical stability)', arity: 1,
  infer: ([x], { axis }) => {
    if (!isFloat(x!.dtype)) throw new Error(`logSoftmax: needs a float input, got ${x!.dtype}`);
    if (axis < 0 || axis >= x!.shape.length) throw new Error(`logSoftmax: axis ${axis} out of range for rank ${x!.shape.length}`);
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
  compute: ([x], { axis }) => {
    const n = x!.shape[axis]!, inner = x!.shape.slice(axis + 1).reduce((p, q) => p * q, 1);
    const outer = x!.size / Math.max(n * inner, 1);
    const out = allocate('float64', x!.size), d = x!.data;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        let m = -Infinity;
        for (let k = 0; k < n; k++) m = Math.max(m, d[base + k * inner]!);
        let s = 0;
        for (let k = 0; k < n; k++) s += Math.exp(d[base + k * inner]! - m);
        const lse = m + Math.log(s);
        for (let k = 0; k < n; k++) out[base + k * inner] = d[base + k * inner]! - lse;
      }
    }
    return [new Tensor('float64', x!.shape, out)];
  },
  vjp: ({ outputs: [y], attrs: { axis } }, [g]) => [sub(g!, mul(exp(y!), sum(g!, axis, true)))],
  onnx: (e, n) => void e.node('LogSoftmax', n.inputs, { axis: { i: n.attrs.axis } }, n.outputs),
});
