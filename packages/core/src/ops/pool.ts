// 2-D max and average pooling, NCHW. Their VJPs are written per window tap: a tap is a strided slice
// of the (padded) input, and its adjoint scatters the cotangent back (shape.ts's sliceAdjoint).
import { Tensor, sizeOf } from '../tensor.ts';
import type { ValueType } from '../ir/types.ts';
import type { Value } from '../ir/graph.ts';
import { defineOp, type OnnxAttr } from './registry.ts';
import { add, cast, div, equal, mul, pad, sub } from './api.ts';
import { checkGeometry, checkImage, sweep } from './conv.ts';
import { sliceAdjoint, sliceRaw } from './shape.ts';

export interface PoolAttrs {
  kernel: readonly [number, number];
  strides: readonly [number, number];
  /** [top, left, bottom, right], as ONNX; each side smaller than the kernel. */
  pads: readonly [number, number, number, number];
}

export interface AvgPoolAttrs extends PoolAttrs {
  /** Divide by kH·kW everywhere (true) or by the in-bounds count of each window (false). */
  countIncludePad: boolean;
}

function poolType(op: string, [x]: readonly ValueType[], { kernel, strides, pads }: PoolAttrs): ValueType[] {
  const [H, W] = checkImage(op, x!);
  checkGeometry(op, strides, pads);
  if (!Array.isArray(kernel) || kernel.length !== 2 || !kernel.every((k) => Number.isInteger(k) && k >= 1)) {
    throw new Error(`${op}: kernel [${kernel}] must be two positive integers`);
  }
  if (pads.some((p, i) => p >= kernel[i % 2]!)) throw new Error(`${op}: pads [${pads}] must each be smaller than the kernel [${kernel}], or a window would see only padding`);
  const oH = sweep(H, kernel[0], strides[0], 1, pads[0], pads[2]), oW = sweep(W, kernel[1], strides[1], 1, pads[1], pads[3]);
  if (oH < 1 || oW < 1) throw new Error(`${op}: kernel [${kernel}] is larger than the padded input ${H + pads[0] + pads[2]}×${W + pads[1] + pads[3]}`);
  return [{ dtype: x!.dtype, shape: [x!.shape[0]!, x!.shape[1]!, oH, oW] }];
}

/** Each output position's value from the in-bounds inputs of its window. */
function pool(x: Tensor, a: PoolAttrs, s: readonly number[], f: (window: number[]) => number): Tensor {
  const [N, C, oH, oW] = s as [number, number, number, number], [, , H, W] = x.shape as [number, number, number, number];
  const [kH, kW] = a.kernel, [sh, sw] = a.strides, [pt, pl] = a.pads;
  const out = new Float64Array(sizeOf(s)), win: number[] = [];
  for (let p = 0; p < N * C; p++) for (let oy = 0; oy < oH; oy++) for (let ox = 0; ox < oW; ox++) {
    win.length = 0;
    for (let i = 0; i < kH; i++) {
      const iy = oy * sh + i - pt;
      if (iy >= 0 && iy < H) for (let j = 0; j < kW; j++) {
        const ix = ox * sw + j - pl;
        if (ix >= 0 && ix < W) win.push(x.data[(p * H + iy) * W + ix]!);
      }
    }
    out[(p * oH + oy) * oW + ox] = f(win);
  }
  return new Tensor('float64', s, out);
}

/** The tap (i, j) of every window: a strided slice of the padded input, shaped like the output. */
function tap(xp: Value, y: Value, a: PoolAttrs, i: number, j: number): Value {
  const [oH, oW] = [y.shape[2] as number, y.shape[3] as number], [sh, sw] = a.strides;
  return sliceRaw(xp, { axes: [2, 3], starts: [i, j], ends: [i + (oH - 1) * sh + 1, j + (oW - 1) * sw + 1], steps: [sh, sw] });
}

/** The adjoint of tap (i, j) taken from x itself (pads undone): back to x's [H, W]. */
function untap(h: Value, x: Value, a: PoolAttrs, i: number | null, j: number | null): Value {
  let r = h;
  if (j !== null) r = sliceAdjoint(r, 3, j - a.pads[1], a.strides[1], x.shape[3] as number);
  if (i !== null) r = sliceAdjoint(r, 2, i - a.pads[0], a.strides[0], x.shape[2] as number);
  return r;
}

function poolAttrs(a: PoolAttrs): Record<string, OnnxAttr> {
  return { kernel_shape: { ints: a.kernel }, strides: { ints: a.strides }, pads: { ints: a.pads } };
}

// Ties send the cotangent to the first maximal tap in row-major window order, as PyTorch and
// ONNX MaxPool's indices do: `free` marks windows whose maximum is not yet claimed.
export const maxPoolOp = defineOp<PoolAttrs>({
  name: 'maxPool', doc: 'max over kH×kW windows of NCHW x, padding never wins (primitive: one kernel for kH·kW strided slices)', arity: 1,
  infer: (t, a) => poolType('maxPool', t, a),
  compute: ([x], a, [s]) => [pool(x!, a, s!, (win) => win.reduce((m, v) => (v > m || v !== v ? v : m), -Infinity))],
  vjp: ({ inputs: [x], outputs: [y], attrs: a }, [g]) => {
    const [pt, pl, pb, pr] = a.pads;
    const xp = pt + pl + pb + pr ? pad(x!, [[0, 0], [0, 0], [pt, pb], [pl, pr]], -Infinity) : x!;
    let free: Value | undefined, dx: Value | undefined;
    for (let i = 0; i < a.kernel[0]; i++) for (let j = 0; j < a.kernel[1]; j++) {
      const eq = cast(equal(tap(xp, y!, a, i, j), y!), y!.dtype);
      const hit = free ? mul(eq, free) : eq;
      free = sub(free ?? 1, hit);
      const part = untap(mul(g!, hit), x!, a, i, j);
      dx = dx ? add(dx, part) : part;
    }
    return [dx!];
  },
  onnx: (e, { inputs, outputs, attrs }) => void e.node('MaxPool', inputs, poolAttrs(attrs), outputs),
});

/** Per output position, the number of in-bounds inputs of its window. */
function inBounds(a: PoolAttrs, H: number, W: number, oH: number, oW: number): Float64Array {
  const count = (n: number, o: number, k: number, s: number, p: number): number => Math.min(o * s - p + k, n) - Math.max(o * s - p, 0);
  return Float64Array.from({ length: oH * oW }, (_, q) =>
    count(H, Math.floor(q / oW), a.kernel[0], a.strides[0], a.pads[0]) * count(W, q % oW, a.kernel[1], a.strides[1], a.pads[1]));
}

export const avgPoolOp = defineOp<AvgPoolAttrs>({
  name: 'avgPool', doc: 'mean over kH×kW windows of NCHW x, by kH·kW or the in-bounds count (primitive: one kernel for kH·kW slices)', arity: 1,
  infer: (t, a) => {
    if (typeof a.countIncludePad !== 'boolean') throw new Error(`avgPool: countIncludePad must be true or false, got ${String(a.countIncludePad)}`);
    return poolType('avgPool', t, a);
  },
  compute: ([x], a, [s]) => [pool(x!, a, s!, (win) => win.reduce((p, q) => p + q, 0) / (a.countIncludePad ? a.kernel[0] * a.kernel[1] : win.length))],
  // Linear: every tap's adjoint receives g / divisor; the taps factor into rows then columns.
  vjp: ({ b, inputs: [x], outputs: [y], attrs: a }, [g]) => {
    const [, , H, W] = x!.shape as number[], [, , oH, oW] = y!.shape as number[];
    const divisor = a.countIncludePad || a.pads.every((p) => p === 0)
      ? a.kernel[0] * a.kernel[1]
      : b.constant(b.freshName('avgpool_count_'), new Tensor('float64', [oH!, oW!], inBounds(a, H!, W!, oH!, oW!)).cast(y!.dtype));
    const h = div(g!, divisor);
    let cols: Value | undefined, dx: Value | undefined;
    for (let j = 0; j < a.kernel[1]; j++) {
      const part = untap(h, x!, a, null, j);
      cols = cols ? add(cols, part) : part;
    }
    for (let i = 0; i < a.kernel[0]; i++) {
      const part = untap(cols!, x!, a, i, null);
      dx = dx ? add(dx, part) : part;
    }
    return [dx!];
  },
  // onnxruntime's CPU provider has no double AveragePool kernel (float32 graphs run).
  onnx: (e, { inputs, outputs, attrs }) =>
    void e.node('AveragePool', inputs, { ...poolAttrs(attrs), count_include_pad: { i: attrs.countIncludePad ? 1 : 0 } }, outputs),
});
