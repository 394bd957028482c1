// Layout arrangements for the convolution and pooling entries of the lowering table: the IR is NCHW
// with ONNX-style attrs, tfjs-backend-wasm (XNNPACK) is NHWC-only with HWIO filters. Nothing here
// computes the op: each function re-lays out tensors and hands the op to one tfjs kernel (per group).
import * as tf from '@tensorflow/tfjs-core';

type Pair = readonly [number, number];
type Pads = readonly [number, number, number, number];

export interface ConvAttrs { strides: Pair; pads: Pads; dilations: Pair; group: number }
export interface ConvTransposeAttrs extends ConvAttrs { outputPadding: Pair }
export interface PoolAttrs { kernel: Pair; strides: Pair; pads: Pads }
export interface AvgPoolAttrs extends PoolAttrs { countIncludePad: boolean }

const toNhwc = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
const toNchw = (x: tf.Tensor): tf.Tensor4D => tf.transpose(x, [0, 3, 1, 2]) as tf.Tensor4D;

/** IR pads [top, left, bottom, right] as tfjs's explicit NHWC padding. */
function explicit([t, l, b, r]: Pads): [[number, number], [number, number], [number, number], [number, number]] {
  return [[0, 0], [t, b], [l, r], [0, 0]];
}

/**
 * An HWIO filter with zeros between its taps: dilation d becomes dilation 1 with a (k − 1)·d + 1 kernel.
 * tfjs rejects strides and dilations both above 1 ("Either strides or dilations must be 1"), and its
 * conv2dTranspose has no dilation at all; the zero taps contribute exact zeros.
 */
function dilateFilter(f: tf.Tensor4D, [dh, dw]: Pair): tf.Tensor4D {
  if (dh === 1 && dw === 1) return f;
  const [kh, kw, i, o] = f.shape;
  const spread = tf.pad(tf.reshape(f, [kh, 1, kw, 1, i, o]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  return tf.slice(tf.reshape(spread, [kh * dh, kw * dw, i, o]), [0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, i, o]) as tf.Tensor4D;
}

/** `f` per channel group: tfjs convolutions have no groups, so each group runs alone and the outputs are joined. */
function perGroup(G: number, x: tf.Tensor4D, w: tf.Tensor4D, f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  if (G === 1) return f(x, w);
  const xs = tf.split(x, G, 3), ws = tf.split(w, G, 3);
  return tf.concat(xs.map((xi, g) => f(xi as tf.Tensor4D, ws[g] as tf.Tensor4D)), 3);
}

/** conv2d: x [N, C, H, W], w [O, C/G, kH, kW]. */
export function conv2d(x: tf.Tensor, w: tf.Tensor, a: ConvAttrs): tf.Tensor {
  const [O, Cg, kh, kw] = w.shape as [number, number, number, number];
  const C = x.shape[1]!, G = a.group;
  const both = a.strides.some((s) => s > 1) && a.dilations.some((d) => d > 1);
  const dil: [number, number] = both ? [1, 1] : [...a.dilations];
  const fit = (f: tf.Tensor4D): tf.Tensor4D => (both ? dilateFilter(f, a.dilations) : f);
  const xh = toNhwc(x), pad = explicit(a.pads);
  if (G > 1 && Cg === 1 && G === C) {
    // Depthwise: one DepthwiseConv2dNative kernel; output channel c·m + j is group c's j-th filter, as in the IR.
    const f = fit(tf.transpose(tf.reshape(w, [C, O / C, kh, kw]), [2, 3, 0, 1]) as tf.Tensor4D);
    return toNchw(tf.depthwiseConv2d(xh, f, a.strides as [number, number], pad, 'NHWC', dil));
  }
  const f = fit(tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D);
  return toNchw(perGroup(G, xh, f, (xi, fi) => tf.conv2d(xi, fi, a.strides as [number, number], pad, 'NHWC', dil)));
}

/** conv2dTranspose: x [N, C, H, W], w [C, O/G, kH, kW], to the output shape the IR computed. */
export function conv2dTranspose(x: tf.Tensor, w: tf.Tensor, a: ConvTransposeAttrs, [N, O, oH, oW]: readonly number[]): tf.Tensor {
  const G = a.group;
  // HWIO for tfjs's conv2dTranspose: I = this op's output channels, O = its input channels.
  const f = dilateFilter(tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D, a.dilations);
  const out: [number, number, number, number] = [N!, oH!, oW!, O! / G];
  const xh = toNhwc(x);
  // The output shape is given, so output padding needs no flag: tfjs sizes the result from it.
  return toNchw(perGroup(G, xh, f, (xi, fi) => tf.conv2dTranspose(xi, fi, out, a.strides as [number, number], explicit(a.pads))));
}

export function maxPool(x: tf.Tensor, a: PoolAttrs): tf.Tensor {
  return toNchw(tf.maxPool(toNhwc(x), a.kernel as [number, number], a.strides as [number, number], explicit(a.pads)));
}

export function avgPool(x: tf.Tensor, a: AvgPoolAttrs): tf.Tensor {
  const xh = toNhwc(x);
  const kernel = a.kernel as [number, number], strides = a.strides as [number, number];
  // wasm's AvgPool divides by the in-bounds count (ONNX count_include_pad = 0); for the other
  // convention the zeros are made real inputs first, so that every window counts kH·kW.
  if (!a.countIncludePad || a.pads.every((p) => p === 0)) return toNchw(tf.avgPool(xh, kernel, strides, explicit(a.pads)));
  return toNchw(tf.avgPool(tf.pad(xh, explicit(a.pads)), kernel, strides, 'valid'));
}
