// The tracing API of convolutions and pooling (NCHW), with PyTorch's option names and defaults.
import type { Value } from '../ir/graph.ts';

export type Pair = number | readonly [number, number];
/** One number for all sides, [vertical, horizontal], or [top, left, bottom, right] (ONNX order). */
export type Padding = number | readonly [number, number] | readonly [number, number, number, number];

export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: Pair;
  /** Zero padding (default 0). */
  padding?: Padding;
  /** Spacing between kernel taps (default 1). */
  dilation?: Pair;
  /** Channel groups; channels and filters split evenly (default 1; depthwise: groups = channels). */
  groups?: number;
}

export interface Conv2dTransposeOptions extends Conv2dOptions {
  /** Extra rows/cols at the bottom/right of the output, each < stride or < dilation (default 0). */
  outputPadding?: Pair;
}

export interface PoolOptions {
  /** Step between windows (default: the kernel size). */
  stride?: Pair;
  /** Padding, each side smaller than the kernel (default 0). */
  padding?: Padding;
}

export interface AvgPoolOptions extends PoolOptions {
  /** Divide by the whole window, padding included (default true, as PyTorch; ONNX's default is false). */
  countIncludePad?: boolean;
}

function pair(op: string, what: string, v: Pair): [number, number] {
  const p = typeof v === 'number' ? [v, v] : [...v];
  if (p.length !== 2) throw new Error(`${op}: ${what} must be a number or [height, width], got [${p.join(', ')}]`);
  return p as [number, number];
}

function pads(op: string, v: Padding): [number, number, number, number] {
  if (typeof v === 'number') return [v, v, v, v];
  if (v.length === 2) return [v[0], v[1], v[0], v[1]];
  if (v.length === 4) return [...v] as [number, number, number, number];
  throw new Error(`${op}: padding must be a number, [vertical, horizontal] or [top, left, bottom, right], got [${(v as number[]).join(', ')}]`);
}

/** 2-D convolution (cross-correlation, as every framework): x [N, C, H, W], w [O, C/groups, kH, kW] → [N, O, H', W']. */
export function conv2d(x: Value, w: Value, { stride = 1, padding = 0, dilation = 1, groups = 1 }: Conv2dOptions = {}): Value {
  const attrs = { strides: pair('conv2d', 'stride', stride), pads: pads('conv2d', padding), dilations: pair('conv2d', 'dilation', dilation), group: groups };
  return x.builder.apply('conv2d', [x, w], attrs)[0]!;
}

/** Transposed convolution (the input-gradient of conv2d): x [N, C, H, W], w [C, O/groups, kH, kW] → [N, O, H', W']. */
export function conv2dTranspose(x: Value, w: Value, { stride = 1, padding = 0, dilation = 1, groups = 1, outputPadding = 0 }: Conv2dTransposeOptions = {}): Value {
  const attrs = {
    strides: pair('conv2dTranspose', 'stride', stride), pads: pads('conv2dTranspose', padding),
    dilations: pair('conv2dTranspose', 'dilation', dilation), group: groups, outputPadding: pair('conv2dTranspose', 'outputPadding', outputPadding),
  };
  return x.builder.apply('conv2dTranspose', [x, w], attrs)[0]!;
}

/** Max over kH×kW windows of x [N, C, H, W]; padding never wins. */
export function maxPool(x: Value, kernel: Pair, { stride = kernel, padding = 0 }: PoolOptions = {}): Value {
  const attrs = { kernel: pair('maxPool', 'kernel', kernel), strides: pair('maxPool', 'stride', stride), pads: pads('maxPool', padding) };
  return x.builder.apply('maxPool', [x], attrs)[0]!;
}

/** Mean over kH×kW windows of x [N, C, H, W]. */
export function avgPool(x: Value, kernel: Pair, { stride = kernel, padding = 0, countIncludePad = true }: AvgPoolOptions = {}): Value {
  const attrs = { kernel: pair('avgPool', 'kernel', kernel), strides: pair('avgPool', 'stride', stride), pads: pads('avgPool', padding), countIncludePad };
  return x.builder.apply('avgPool', [x], attrs)[0]!;
}
