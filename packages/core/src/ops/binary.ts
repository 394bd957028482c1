// Elementwise binary primitives with numpy broadcasting.
import { isFloat, type DType } from '../tensor.ts';
import { broadcastShapes, formatType, type ValueType } from '../ir/types.ts';
import { defineOp, type OpDef } from './registry.ts';
import { binary, refDType } from './kernels.ts';
import { div, equal, greater, less, log, mul, neg, pow, sub, sumTo, where } from './api.ts';

function binaryType(op: string, [a, b]: readonly ValueType[], out?: DType): ValueType[] {
  if (a!.dtype !== b!.dtype) {
    throw new Error(`${op}: dtypes differ (${formatType(a!)} vs ${formatType(b!)}); cast one of them`);
  }
  if (a!.dtype === 'bool' && out === undefined) throw new Error(`${op}: bool inputs are not supported; cast to a number type`);
  return [{ dtype: out ?? a!.dtype, shape: broadcastShapes(a!.shape, b!.shape, op) }];
}

function arith(
  name: string, onnxOp: string, doc: string, f: (x: number, y: number) => number,
  vjp: OpDef['vjp'], floatOnly = false,
): OpDef {
  return defineOp({
    name, doc, arity: 2,
    infer: (t) => {
      if (floatOnly && !isFloat(t[0]!.dtype)) throw new Error(`${name}: needs float inputs, got ${formatType(t[0]!)}; cast both to float32`);
      return binaryType(name, t);
    },
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

// Ties send the whole gradient to a, as maximum does.
export const minimumOp = arith('minimum', 'Min', 'elementwise min(a, b) (primitive: one kernel, and ONNX Min, where −max(−a, −b) takes three)', Math.min,
  ({ inputs: [a, b] }, [g]) => {
    const bWins = less(b!, a!);
    return [sumTo(where(bWins, 0, g!), a!.shape), sumTo(where(bWins, g!, 0), b!.shape)];
  });

// At a = 0 the partials are taken as PyTorch does: ∂/∂a is 0 where b = 0, ∂/∂b is 0 (not 0·log 0 = NaN).
export const powOp = arith('pow', 'Pow', 'a^b, float (primitive: exp(b·log a) is NaN for the negative bases that integer b allows)', Math.pow,
  ({ inputs: [a, b], outputs: [y] }, [g]) => [
    sumTo(where(equal(b!, 0), 0, mul(g!, mul(b!, pow(a!, sub(b!, 1))))), a!.shape),
    sumTo(where(equal(a!, 0), 0, mul(g!, mul(y!, log(a!)))), b!.shape),
  ], true);

function compare(name: string, onnxOp: string, doc: string, f: (x: number, y: number) => boolean, boolOk = false): OpDef {
  return defineOp({
    name, doc, arity: 2,
    infer: (t) => {
      // ONNX Greater/Less have no bool kernels; equality of bools is well defined everywhere.
      if (!boolOk && t[0]!.dtype === 'bool') throw new Error(`${name}: bool inputs cannot be ordered; cast them to int32`);
      return binaryType(name, t, 'bool');
    },
    compute: ([a, b], _, [s]) => [binary(a!, b!, s!, 'bool', (x, y) => (f(x, y) ? 1 : 0))],
    onnx: (e, n) => void e.node(onnxOp, n.inputs, {}, n.outputs),
  });
}

export const greaterOp = compare('greater', 'Greater', 'a > b → bool', (x, y) => x > y);
export const lessOp = compare('less', 'Less', 'a < b → bool (primitive: ONNX Less maps to it one-to-one, not to greater(b, a))', (x, y) => x < y);
export const equalOp = compare('equal', 'Equal', 'a == b → bool', (x, y) => x === y, true);

