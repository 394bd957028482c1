// Elementwise unary primitives and cast.
import { DTYPES, isFloat, type DType } from '../tensor.ts';
import { defineOp, ONNX_DTYPE, type OpDef } from './registry.ts';
import { refDType, unary } from './kernels.ts';
import { cast, div, greater, mul, neg, sign, where } from './api.ts';

function elementwise(
  name: string, onnxOp: string, doc: string, f: (x: number) => number,
  vjp: OpDef['vjp'] | undefined, floatOnly = true,
): OpDef {
  return defineOp({
    name, doc, arity: 1,
    infer: ([x]) => {
      if (x!.dtype === 'bool' || (floatOnly && !isFloat(x!.dtype))) {
        throw new Error(`${name}: needs a ${floatOnly ? 'float' : 'number'} input, got ${x!.dtype}; cast it first`);
      }
      return [{ dtype: x!.dtype, shape: x!.shape }];
    },
    compute: ([x]) => [unary(x!, refDType(x!.dtype), f)],
    vjp,
    onnx: (e, n) => void e.node(onnxOp, n.inputs, {}, n.outputs),
  });
}

export const negOp = elementwise('neg', 'Neg', '−x', (x) => -x, (_, [g]) => [neg(g!)], false);
export const expOp = elementwise('exp', 'Exp', 'eˣ', Math.exp, ({ outputs: [y] }, [g]) => [mul(g!, y!)]);
export const logOp = elementwise('log', 'Log', 'natural log', Math.log, ({ inputs: [x] }, [g]) => [div(g!, x!)]);
export const sqrtOp = elementwise('sqrt', 'Sqrt', '√x', Math.sqrt,
  ({ outputs: [y] }, [g]) => [div(g!, mul(y!, 2))]);
export const absOp = elementwise('abs', 'Abs', '|x|', Math.abs, ({ inputs: [x] }, [g]) => [mul(g!, sign(x!))], false);
// sign is piecewise constant: its derivative is zero almost everywhere, so no cotangent flows.
export const signOp = elementwise('sign', 'Sign', 'sign(x) ∈ {−1, 0, 1}', Math.sign, () => [null], false);
export const reluOp = elementwise('relu', 'Relu', 'max(x, 0); NaN stays NaN', (x) => (x <= 0 ? 0 : x),
  ({ inputs: [x] }, [g]) => [where(greater(x!, 0), g!, 0)]);

export const castOp = defineOp<{ to: DType }>({
  name: 'cast', doc: 'convert dtype (float→int32 truncates toward zero; bool is x ≠ 0)', arity: 1,
  infer: ([x], { to }) => {
    if (!DTYPES.includes(to)) throw new Error(`cast: 'to' must be one of ${DTYPES.join(', ')}, got ${String(to)}`);
    return [{ dtype: to, shape: x!.shape }];
  },
  compute: ([x], { to }) => [x!.cast(refDType(to))],
  vjp: ({ inputs: [x], attrs: { to } }, [g]) => [isFloat(x!.dtype) && isFloat(to) ? cast(g!, x!.dtype) : null],
  onnx: (e, n) => void e.node('Cast', n.inputs, { to: { i: ONNX_DTYPE[n.attrs.to] } }, n.outputs),
});
