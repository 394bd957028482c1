// 2-D convolution and transposed convolution, NCHW, with strides, padding, dilation and groups.
// Each is the other's input-VJP; both weight-VJPs are one more convolution with stride and dilation swapped.
import { Tensor, isFloat } from '../tensor.ts';
import { formatType, sameDim, type Dim, type ValueType } from '../ir/types.ts';
import type { Value } from '../ir/graph.ts';
import { defineOp, type OnnxAttr } from './registry.ts';
import { concat, transpose } from './api.ts';
import { sliceRaw } from './shape.ts';

export interface Conv2dAttrs {
  strides: readonly [number, number];
  /** [top, left, bottom, right], as ONNX. */
  pads: readonly [number, number, number, number];
  dilations: readonly [number, number];
  group: number;
}

export interface Conv2dTransposeAttrs extends Conv2dAttrs {
  outputPadding: readonly [number, number];
}

/** Output length of a window sweep: ⌊(n + pads − d(k − 1) − 1) / s⌋ + 1. */
export function sweep(n: number, k: number, s: number, d: number, p0: number, p1: number): number {
  return Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;
}

/** Checks shared by convolutions and pools: positive strides/dilations, non-negative pads. */
export function checkGeometry(op: string, strides: readonly number[], pads: readonly number[], dilations: readonly number[] = [1, 1]): void {
  const ok = (v: readonly number[], n: number, min: number): boolean => Array.isArray(v) && v.length === n && v.every((x) => Number.isInteger(x) && x >= min);
  if (!ok(strides, 2, 1)) throw new Error(`${op}: strides [${strides}] must be two positive integers`);
  if (!ok(dilations, 2, 1)) throw new Error(`${op}: dilations [${dilations}] must be two positive integers`);
  if (!ok(pads, 4, 0)) throw new Error(`${op}: pads [${pads}] must be four non-negative integers [top, left, bottom, right]`);
}

/** x must be a float NCHW tensor with static H and W. */
export function checkImage(op: string, x: ValueType): [number, number] {
  if (!isFloat(x.dtype) || x.shape.length !== 4) throw new Error(`${op}: x must be a float NCHW tensor, got ${formatType(x)}`);
  const [, , H, W] = x.shape;
  if (typeof H !== 'number' || typeof W !== 'number') throw new Error(`${op}: height and width of ${formatType(x)} must be static`);
  return [H, W];
}

function convType(op: string, [x, w]: readonly ValueType[], a: Conv2dAttrs, transposed: boolean): { H: number; W: number; kH: number; kW: number; outC: Dim } {
  const [H, W] = checkImage(op, x!);
  if (w!.dtype !== x!.dtype || w!.shape.length !== 4) throw new Error(`${op}: w must be ${x!.dtype} with rank 4, got ${formatType(w!)}`);
  checkGeometry(op, a.strides, a.pads, a.dilations);
  const [w0, w1, kH, kW] = w!.shape, C = x!.shape[1]!, G = a.group;
  if (typeof kH !== 'number' || typeof kW !== 'number') throw new Error(`${op}: kernel dims of ${formatType(w!)} must be static`);
  if (!Number.isInteger(G) || G < 1) throw new Error(`${op}: group must be a positive integer, got ${G}`);
  const layout = transposed ? '[C, O/group, kH, kW]' : '[O, C/group, kH, kW]';
  if (G === 1) {
    if (!sameDim(transposed ? w0! : w1!, C)) throw new Error(`${op}: x ${formatType(x!)} has ${C} channels, w ${formatType(w!)} expects ${transposed ? w0 : w1} (w is ${layout})`);
    return { H, W, kH, kW, outC: transposed ? w1! : w0! };
  }
  if (![C, w0, w1].every((d) => typeof d === 'number')) throw new Error(`${op}: grouped convolutions need static channel dims, got x ${formatType(x!)}, w ${formatType(w!)}`);
  const [c, o0, o1] = [C, w0, w1] as number[];
  const ok = transposed ? c === o0 && c % G === 0 : c === o1! * G && o0! % G === 0;
  if (!ok) throw new Error(`${op}: with group ${G}, x ${formatType(x!)} and w ${formatType(w!)} do not fit (w is ${layout}; channels must split into ${G} groups)`);
  return { H, W, kH, kW, outC: transposed ? o1! * G : o0! };
}

function onnxAttrs(a: Conv2dAttrs, kH: number, kW: number): Record<string, OnnxAttr> {
  return { kernel_shape: { ints: [kH, kW] }, strides: { ints: a.strides }, pads: { ints: a.pads }, dilations: { ints: a.dilations }, group: { i: a.group } };
}

/**
 * ∂L/∂w of a convolution from its input [N, C, H, W] and output cotangent [N, O, H', W'], as [O, C/G, kH, kW]:
 * per group, a convolution over the batch of the channel-swapped tensors with stride and dilation swapped.
 */
function weightGrad(input: Value, gout: Value, a: Conv2dAttrs, kH: number, kW: number): Value {
  const G = a.group, Cg = (input.shape[1] as number) / G, Og = (gout.shape[1] as number) / G;
  const swap = [1, 0, 2, 3];
  const parts = Array.from({ length: G }, (_, g) => {
    const xi = G === 1 ? input : sliceRaw(input, { axes: [1], starts: [g * Cg], ends: [(g + 1) * Cg], steps: [1] });
    const gi = G === 1 ? gout : sliceRaw(gout, { axes: [1], starts: [g * Og], ends: [(g + 1) * Og], steps: [1] });
    let r = input.builder.apply('conv2d', [transpose(xi, swap), transpose(gi, swap)], { strides: a.dilations, pads: a.pads, dilations: a.strides, group: 1 })[0]!;
    // Rows and columns past the kernel are input positions no window used: drop them.
    if (r.shape[2] !== kH || r.shape[3] !== kW) r = sliceRaw(r, { axes: [2, 3], starts: [0, 0], ends: [kH, kW], steps: [1, 1] });
    return transpose(r, swap);
  });
  return concat(parts, 0);
}

export const conv2dOp = defineOp<Conv2dAttrs>({
  name: 'conv2d', doc: 'NCHW cross-correlation x [N, C, H, W] ⋆ w [O, C/group, kH, kW] (primitive: every engine has the kernel; slices would take kH·kW ops)', arity: 2,
  infer: (t, a) => {
    const { H, W, kH, kW, outC } = convType('conv2d', t, a, false);
    const [sh, sw] = a.strides, [dh, dw] = a.dilations, [pt, pl, pb, pr] = a.pads;
    const oH = sweep(H, kH, sh, dh, pt, pb), oW = sweep(W, kW, sw, dw, pl, pr);
    if (oH < 1 || oW < 1) throw new Error(`conv2d: the dilated kernel (${dh * (kH - 1) + 1}×${dw * (kW - 1) + 1}) is larger than the padded input (${H + pt + pb}×${W + pl + pr})`);
    return [{ dtype: t[0]!.dtype, shape: [t[0]!.shape[0]!, outC, oH, oW] }];
  },
  compute: ([x, w], a, [s]) => {
    const [N, O, oH, oW] = s as [number, number, number, number];
    const [, C, H, W] = x!.shape as [number, number, number, number];
    const [, Cg, kH, kW] = w!.shape as [number, number, number, number];
    const Og = O / a.group, [sh, sw] = a.strides, [dh, dw] = a.dilations, [pt, pl] = a.pads;
    const out = new Float64Array(N * O * oH * oW), xd = x!.data, wd = w!.data;
    for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) {
      const c0 = Math.floor(o / Og) * Cg;
      for (let oy = 0; oy < oH; oy++) for (let ox = 0; ox < oW; ox++) {
        let acc = 0;
        for (let c = 0; c < Cg; c++) for (let i = 0; i < kH; i++) {
          const iy = oy * sh + i * dh - pt;
          if (iy < 0 || iy >= H) continue;
          for (let j = 0; j < kW; j++) {
            const ix = ox * sw + j * dw - pl;
            if (ix >= 0 && ix < W) acc += xd[((n * C + c0 + c) * H + iy) * W + ix]! * wd[((o * Cg + c) * kH + i) * kW + j]!;
          }
        }
        out[((n * O + o) * oH + oy) * oW + ox] = acc;
      }
    }
    return [new Tensor('float64', s!, out)];
  },
  vjp: ({ inputs: [x, w], attrs: a }, [g]) => {
    const [, , H, W] = x!.shape as number[], [, , kH, kW] = w!.shape as number[];
    const rest = (n: number, k: number, i: 0 | 1): number => (n + a.pads[i]! + a.pads[i + 2]! - a.dilations[i]! * (k - 1) - 1) % a.strides[i]!;
    const dx = x!.builder.apply('conv2dTranspose', [g!, w!], { ...a, outputPadding: [rest(H!, kH!, 0), rest(W!, kW!, 1)] })[0]!;
    return [dx, weightGrad(x!, g!, a, kH!, kW!)];
  },
  // onnxruntime's CPU provider has no double Conv kernel (float32 graphs run).
  onnx: (e, { inputs, outputs, inTypes: [, w], attrs }) => void e.node('Conv', inputs, onnxAttrs(attrs, w!.shape[2] as number, w!.shape[3] as number), outputs),
});

export const conv2dTransposeOp = defineOp<Conv2dTransposeAttrs>({
  name: 'conv2dTranspose', doc: 'transposed convolution, conv2d\'s input-VJP: x [N, C, H, W], w [C, O/group, kH, kW] (primitive: as conv2d)', arity: 2,
  infer: (t, a) => {
    const { H, W, kH, kW, outC } = convType('conv2dTranspose', t, a, true);
    const op = a.outputPadding;
    if (!Array.isArray(op) || op.length !== 2 || op.some((v, i) => !Number.isInteger(v) || v < 0 || v >= Math.max(a.strides[i]!, a.dilations[i]!))) {
      throw new Error(`conv2dTranspose: outputPadding [${op}] must be two non-negative integers, each below its stride or dilation`);
    }
    const size = (n: number, k: number, i: 0 | 1): number =>
      (n - 1) * a.strides[i]! - a.pads[i]! - a.pads[i + 2]! + a.dilations[i]! * (k - 1) + 1 + op[i]!;
    const oH = size(H, kH, 0), oW = size(W, kW, 1);
    if (oH < 1 || oW < 1) throw new Error(`conv2dTranspose: pads [${a.pads}] remove the whole ${oH + a.pads[0] + a.pads[2]}×${oW + a.pads[1] + a.pads[3]} output`);
    return [{ dtype: t[0]!.dtype, shape: [t[0]!.shape[0]!, outC, oH, oW] }];
  },
  compute: ([x, w], a, [s]) => {
    const [N, O, oH, oW] = s as [number, number, number, number];
    const [, C, H, W] = x!.shape as [number, number, number, number];
    const [, Og, kH, kW] = w!.shape as [number, number, number, number];
    const Cg = C / a.group, [sh, sw] = a.strides, [dh, dw] = a.dilations, [pt, pl] = a.pads;
    const out = new Float64Array(N * O * oH * oW), xd = x!.data, wd = w!.data;
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
      const o0 = Math.floor(c / Cg) * Og;
      for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) {
        const v = xd[((n * C + c) * H + y) * W + xx]!;
        for (let o = 0; o < Og; o++) for (let i = 0; i < kH; i++) {
          const py = y * sh + i * dh - pt;
          if (py < 0 || py >= oH) continue;
          for (let j = 0; j < kW; j++) {
            const px = xx * sw + j * dw - pl;
            if (px >= 0 && px < oW) out[((n * O + o0 + o) * oH + py) * oW + px]! += v * wd[((c * Og + o) * kH + i) * kW + j]!;
          }
        }
      }
    }
    return [new Tensor('float64', s!, out)];
  },
  vjp: ({ inputs: [x, w], attrs: { outputPadding: _, ...a } }, [g]) => {
    const [, , kH, kW] = w!.shape as number[];
    const dx = x!.builder.apply('conv2d', [g!, w!], a)[0]!;
    return [dx, weightGrad(g!, x!, a, kH!, kW!)];
  },
  // onnxruntime's CPU provider has no double ConvTranspose kernel (float32 graphs run).
  onnx: (e, { inputs, outputs, inTypes: [, w], attrs }) => {
    const base = onnxAttrs(attrs, w!.shape[2] as number, w!.shape[3] as number);
    e.node('ConvTranspose', inputs, { ...base, output_padding: { ints: attrs.outputPadding } }, outputs);
  },
});
