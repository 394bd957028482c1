// Elementwise binary primitives with numpy broadcasting.
import type { DType } from '../tensor.ts';
import { broadcastShapes, formatType, type ValueType } from '../ir/types.ts';
import { defineOp, type OpDef } from './registry.ts';
import { binary, refDType } from './kernels.ts';
import { div, greater, mul, neg, sumTo, where } from './api.ts';

function binaryType(op: string, [a, b]: readonly ValueType[], out?: DType): ValueType[] {
  if (a!.dtype !== b!.dtype) {
    throw new Error(`${op}: dtypes differ (${formatType(a!)} vs ${formatType(b!)}); cast one of them`);
  }
  if (a!.dtype === 'bool' && out === undefined) throw new Error(`${op}: bool inputs are not supported; cast to a number type`);
  return [{ dtype: out ?? a!.dtype, shape: broadcastShapes(a!.shape, b!.shape, op) }];
}

function arith(
  name: string, onnxOp: string, doc: string, f: (x: number, y: number) => number,
  vjp: OpDef['vjp'],
): OpDef {
  return defineOp({
    name, doc, arity: 2,
    infer: (t) => binaryType(name, t),
    compute: ([a, b], _, [s]) => [binary(a!, b!, s!, refDType(a!.dtype), a!.dtype === 'int32' ? (x, y) => f(x, y) | 0 : f)],
    vjp,
    onnx: (e, n) => void e.node(onnxOp, n.inputs, {}, n.outputs),
  });
}

export const addOp = arith('add', 'Add', 'a + b', (x, y) => x + y,
  ({ inputs: [a, b] }, [g]) => [sumTo(g!, a!.shape), sumTo(g!, b!.shape)]);

export const subOp = arith('sub', 'Sub', 'a − b', (x, y) => x - y,
  ({ inputs: [a, b] }, [g]) => [sumTo(g!, a!.shape), sumTo(neg(g!), b!.shape)]);

export const mulOp = arith('mul', 'Mul', 'a · b', (x, y) => x * y,
  ({ inputs: [a, b] }, [g]) => [sumTo(mul(g!, b!), a!.shape), sumTo(mul(g!, a!), b!.shape)]);

export const divOp = arith('div', 'Div', 'a / b (int32: truncated)', (x, y) => x / y,
  ({ inputs: [a, b], outputs: [q] }, [g]) => [sumTo(div(g!, b!), a!.shape), sumTo(neg(div(mul(g!, q!), b!)), b!.shape)]);

// Ties send the whole gradient to a (PyTorch splits it; finite differences are undefined there).
export const maximumOp = arith('maximum', 'Max', 'elementwise max(a, b)', Math.max,
  ({ inputs: [a, b] }, [g]) => {
    const aWins = greater(b!, a!);
    return [sumTo(where(aWins, 0, g!), a!.shape), sumTo(where(aWins, g!, 0), b!.shape)];
  });

function compare(name: string, onnxOp: string, doc: string, f: (x: number, y: number) => boolean): OpDef {
  return defineOp({
    name, doc, arity: 2,
    infer: (t) => binaryType(name, t, 'bool'),
    compute: ([a, b], _, [s]) => [binary(a!, b!, s!, 'bool', (x, y) => (f(x, y) ? 1 : 0))],
    onnx: (e, n) => void e.node(onnxOp, n.inputs, {}, n.outputs),
  });
}

export const greaterOp = compare('greater', 'Greater', 'a > b → bool', (x, y) => x > y);
export const equalOp = compare('equal', 'Equal', 'a == b → bool', (x, y) => x === y);

