// Elementwise unary primitives and cast.
import { DTYPES, Tensor, allocate, isFloat, type DType } from '../tensor.ts';
import { defineOp, ONNX_DTYPE, type OpDef } from './registry.ts';
import { refDType, unary } from './kernels.ts';
import { erf as erfRef } from './special.ts';
import { cast, div, exp, greater, less, mul, neg, sigmoid, sign, sub, where } from './api.ts';

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
  // g · [x > 0] as a float mask: measured faster on onnxruntime and wasm than where(x > 0, g, 0), whose
  // scalar branch takes their slow broadcasting paths (bench/src: 293 vs 307 µs and 812 vs 1257 µs, 256×256).
  ({ inputs: [x] }, [g]) => [mul(g!, cast(greater(x!, 0), x!.dtype))]);

// The gradient barrier sg(x) of self-training targets, teachers and straight-through estimators: forward
// is the identity, and no cotangent flows back (ONNX has no such notion: it exports as Identity).
export const stopGradientOp = elementwise('stopGradient', 'Identity', 'x forward, zero gradient (sg / detach)', (x) => x, () => [null], false);
// ONNX: onnxruntime's CPU Sigmoid (MLAS) is accurate to ~6e-8 absolute, not relative: below x ≈ −4 its error
// passes 1e-5 of the value (σ(−15) comes back 17% high); log σ(x) is better written −softplus(−x).
export const sigmoidOp = elementwise('sigmoid', 'Sigmoid', '1/(1+e⁻ˣ) (primitive: the composite\'s gradient is ∞/∞ = NaN for x ≪ 0)', sigmoidRef,
  ({ outputs: [y] }, [g]) => [mul(g!, mul(y!, sub(1, y!)))]);
export const tanhOp = elementwise('tanh', 'Tanh', 'tanh x (primitive: 2σ(2x) − 1 loses relative precision near 0)', Math.tanh,
  ({ outputs: [y] }, [g]) => [mul(g!, sub(1, mul(y!, y!)))]);
// ONNX: onnxruntime's CPU provider has no double Softplus kernel (float32 graphs run).
export const softplusOp = elementwise('softplus', 'Softplus', 'log(1+eˣ) (primitive: log(1 + exp x) overflows for x > 88 in float32)',
  (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
  ({ inputs: [x] }, [g]) => [mul(g!, sigmoid(x!))]);
// ONNX: onnxruntime's CPU provider has no double Erf kernel (float32 graphs run).
export const erfOp = elementwise('erf', 'Erf', 'Gauss error function (primitive: no composition of other ops gives it)', erfRef,
  ({ inputs: [x] }, [g]) => [mul(g!, mul(exp(neg(mul(x!, x!))), 2 / Math.sqrt(Math.PI)))]);

function sigmoidRef(x: number): number {
  // Never exponentiate a positive number: both branches stay in (0, 1] without overflow.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Bounds of clip; ±Infinity leaves that side open. */
export interface ClipAttrs { min: number; max: number }

// Gradient flows where lo ≤ x ≤ hi, bounds included, as PyTorch's clamp.
export const clipOp = defineOp<ClipAttrs>({
  name: 'clip', doc: 'min(max(x, lo), hi) (primitive: one kernel, and ONNX Clip maps to it one-to-one)', arity: 1,
  infer: ([x], { min, max }) => {
    if (x!.dtype === 'bool') throw new Error('clip: bool input; cast to a number type first');
    if (typeof min !== 'number' || typeof max !== 'number' || Number.isNaN(min) || Number.isNaN(max) || min > max) {
      throw new Error(`clip: bounds must be numbers with min ≤ max, got [${min}, ${max}]; use ±Infinity for an open side`);
    }
    if (x!.dtype === 'int32' && ![min, max].every((v) => Number.isInteger(v) || !Number.isFinite(v))) {
      throw new Error(`clip: int32 input needs integer bounds, got [${min}, ${max}]; round them or cast x to float32`);
    }
    return [{ dtype: x!.dtype, shape: x!.shape }];
  },
  compute: ([x], { min, max }) => [unary(x!, refDType(x!.dtype), (v) => (v < min ? min : v > max ? max : v))],
  vjp: ({ inputs: [x], attrs: { min, max } }, [g]) => {
    let out = g!;
    if (min > -Infinity) out = where(less(x!, min), 0, out);
    if (max < Infinity) out = where(greater(x!, max), 0, out);
    return [out];
  },
  onnx: (e, { inputs: [x], outputs, inTypes: [t], attrs: { min, max } }) => {
    // Clip takes its bounds as optional scalar inputs of x's type; '' leaves a side open.
    const bound = (v: number): string => (Number.isFinite(v) ? e.constant(new Tensor(t!.dtype, [], allocate(t!.dtype, 1).fill(v))) : '');
    e.node('Clip', [x!, bound(min), bound(max)], {}, outputs);
  },
});

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
