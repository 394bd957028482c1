// Conv, ConvTranspose, MaxPool and AveragePool: ONNX's attribute forms (auto_pad, ceil_mode, 1-D
// windows) on core's NCHW conv2d / conv2dTranspose / maxPool / avgPool.
import * as op from '@repkit/core';
import type { Value } from '@repkit/core';
import type { Importer, NodeContext } from './context.ts';

type Quad = [number, number, number, number];

interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** [top, left, bottom, right]. */
  pads: Quad;
  /** A 1-D node (x [N, C, L]) runs as 2-D with height 1. */
  oneD: boolean;
}

/** Kernel, strides, dilations and pads of a 1-D or 2-D node, with auto_pad resolved against x's static size. */
function windowOf(c: NodeContext, x: Value, kernel: readonly number[], defaultStrides?: readonly number[]): Window {
  const r = x.rank - 2;
  c.expect(r === 1 || r === 2, `x is rank ${x.rank}; only 1-D and 2-D windows (rank 3 or 4 NC… inputs) are supported`);
  const list = (name: string, fallback: number[]): number[] => {
    const v = c.intList(name) ?? fallback;
    c.expect(v.length === (name === 'pads' ? 2 * r : r), `attribute '${name}' [${v.join(', ')}] must have ${name === 'pads' ? 2 * r : r} entries`);
    return v;
  };
  c.expect(kernel.length === r, `kernel_shape [${kernel.join(', ')}] must have ${r} entries`);
  const strides = list('strides', [...(defaultStrides ?? kernel.map(() => 1))]);
  const dilations = list('dilations', kernel.map(() => 1));
  let pads = list('pads', new Array<number>(2 * r).fill(0));
  const auto = c.string('auto_pad', 'NOTSET');
  if (auto === 'VALID') pads = pads.map(() => 0);
  else if (auto === 'SAME_UPPER' || auto === 'SAME_LOWER') {
    pads = new Array<number>(2 * r);
    for (let i = 0; i < r; i++) {
      const n = x.shape[2 + i];
      c.expect(typeof n === 'number', `auto_pad ${auto} needs static spatial dims, x is [${x.shape.join(', ')}]`);
      const total = Math.max((Math.ceil((n as number) / strides[i]!) - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - (n as number), 0);
      const small = Math.floor(total / 2);
      [pads[i], pads[i + r]] = auto === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    }
  } else c.expect(auto === 'NOTSET', `auto_pad '${auto}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID`);
  if (r === 2) return { kernel: kernel as [number, number], strides: strides as [number, number], dilations: dilations as [number, number], pads: pads as Quad, oneD: false };
  return { kernel: [1, kernel[0]!], strides: [1, strides[0]!], dilations: [1, dilations[0]!], pads: [0, pads[0]!, 0, pads[1]!], oneD: true };
}

/** Run a 2-D op on x, lifting a 1-D input [N, C, L] to [N, C, 1, L] and back. */
function as2d(x: Value, w: Window, f: (x4: Value) => Value): Value {
  return w.oneD ? op.squeeze(f(op.unsqueeze(x, 2)), 2) : f(x);
}

function kernelOf(c: NodeContext, w: Value | undefined): number[] {
  const given = c.intList('kernel_shape');
  if (w) {
    const k = w.shape.slice(2);
    c.expect(k.every((d) => typeof d === 'number'), `weight dims [${w.shape.join(', ')}] must be static`);
    c.expect(!given || given.every((d, i) => d === k[i]), `kernel_shape [${given}] differs from the weight's [${k.join(', ')}]`);
    return k as number[];
  }
  return given ?? c.fail("attribute 'kernel_shape' is required");
}

function withBias(c: NodeContext, y: Value): Value {
  if (!c.has(2)) return y;
  const b = c.value(2);
  return op.add(y, op.reshape(b, [b.shape[0]!, ...new Array<number>(y.rank - 2).fill(1)]));
}

const CONV_ATTRS = ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides'];

export const conv: Importer = {
  attrs: CONV_ATTRS,
  run: (c) => {
    const x = c.value(0), wt = c.value(1);
    const w = windowOf(c, x, kernelOf(c, wt));
    const opts = { stride: w.strides, padding: w.pads, dilation: w.dilations, groups: c.int('group', 1) };
    return withBias(c, as2d(x, w, (x4) => op.conv2d(x4, w.oneD ? op.unsqueeze(wt, 2) : wt, opts)));
  },
};

export const convTranspose: Importer = {
  attrs: [...CONV_ATTRS, 'output_padding', 'output_shape'],
  run: (c) => {
    c.expect(c.intList('output_shape') === undefined, "attribute 'output_shape' is not supported; give pads and output_padding");
    const x = c.value(0), wt = c.value(1);
    const w = windowOf(c, x, kernelOf(c, wt));
    c.expect(c.string('auto_pad', 'NOTSET') === 'NOTSET' || c.string('auto_pad', 'NOTSET') === 'VALID', 'auto_pad SAME_* is not supported for ConvTranspose; give pads');
    const outPad = c.intList('output_padding') ?? (w.oneD ? [0] : [0, 0]);
    const opts = {
      stride: w.strides, padding: w.pads, dilation: w.dilations, groups: c.int('group', 1),
      outputPadding: (w.oneD ? [0, outPad[0]!] : outPad) as [number, number],
    };
    return withBias(c, as2d(x, w, (x4) => op.conv2dTranspose(x4, w.oneD ? op.unsqueeze(wt, 2) : wt, opts)));
  },
};

/** ceil_mode as extra padding at the end: windows that start in the input or the begin padding still count. */
function ceilPads(x: Value, w: Window): Quad {
  const pads = [...w.pads] as Quad;
  for (let i = 0; i < 2; i++) {
    const n = x.shape[2 + i] as number, k = (w.kernel[i]! - 1) * w.dilations[i]! + 1, s = w.strides[i]!;
    const p0 = w.pads[i]!, p1 = w.pads[i + 2]!;
    let out = Math.ceil((n + p0 + p1 - k) / s) + 1;
    if ((out - 1) * s >= n + p0) out--;
    pads[i + 2] = Math.max(p1, (out - 1) * s + k - n - p0);
  }
  return pads;
}

export const maxPool: Importer = {
  attrs: ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'storage_order', 'strides'],
  run: (c) => {
    c.expect(c.int('storage_order', 0) === 0, 'storage_order=1 is not supported');
    const x = c.value(0);
    const w = windowOf(c, x, kernelOf(c, undefined));
    c.expect(w.dilations.every((d) => d === 1), `dilations [${c.intList('dilations')}] are not supported; core's maxPool has none`);
    const out = as2d(x, w, (x4) => {
      const pads = c.int('ceil_mode', 0) === 1 ? ceilPads(x4, w) : w.pads;
      return op.maxPool(x4, w.kernel, { stride: w.strides, padding: pads });
    });
    return [out];
  },
};

export const averagePool: Importer = {
  attrs: ['auto_pad', 'ceil_mode', 'count_include_pad', 'dilations', 'kernel_shape', 'pads', 'strides'],
  run: (c) => {
    c.expect(c.int('ceil_mode', 0) === 0, 'ceil_mode=1 is not supported for AveragePool');
    const x = c.value(0);
    const w = windowOf(c, x, kernelOf(c, undefined));
    c.expect(w.dilations.every((d) => d === 1), `dilations [${c.intList('dilations')}] are not supported; core's avgPool has none`);
    const countIncludePad = c.int('count_include_pad', 0) === 1;
    return as2d(x, w, (x4) => op.avgPool(x4, w.kernel, { stride: w.strides, padding: w.pads, countIncludePad }));
  },
};
