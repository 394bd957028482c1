// ONNX Slice: on known shape vectors (folded, symbolic entries kept) and on graph values (core's slice).
import * as op from '@repkit/core';
import type { Value } from '@repkit/core';
import type { NodeContext } from './context.ts';
import { Ints, type Slot } from './slots.ts';

interface SliceArgs {
  starts: number[];
  ends: number[];
  axes?: number[];
  steps?: number[];
}

// int64 sentinels (INT64_MAX, INT64_MIN) that exporters write for "to the end" arrive as huge numbers.
const BIG = 2147483647;

/** Starts, ends, axes, steps: attributes before opset 10, inputs from then on. */
function sliceArgs(c: NodeContext): SliceArgs {
  if (c.opset < 10) {
    const starts = c.intList('starts') ?? c.fail("attribute 'starts' is required");
    const ends = c.intList('ends') ?? c.fail("attribute 'ends' is required");
    return { starts, ends, axes: c.intList('axes') };
  }
  return {
    starts: c.ints(1, 'starts'),
    ends: c.ints(2, 'ends'),
    axes: c.has(3) ? c.ints(3, 'axes') : undefined,
    steps: c.has(4) ? c.ints(4, 'steps') : undefined,
  };
}

/** The indices ONNX Slice takes along an axis of size n (negative counts from the end; clamped). */
function sliceIndices(start: number, end: number, step: number, n: number): number[] {
  if (step === 0) throw new Error('steps must not be 0');
  const [lo, hi] = step > 0 ? [0, n] : [-1, n - 1];
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const out: number[] = [];
  for (let i = clamp(start), e = clamp(end); step > 0 ? i < e : i > e; i += step) out.push(i);
  return out;
}

/** Slice of a known 1-D integer slot (Shape arithmetic), or undefined for anything else. */
export function sliceKnown(c: NodeContext): Slot | undefined {
  const s = c.slot(0);
  if (!(s instanceof Ints) || s.shape.length !== 1) return undefined;
  const { starts, ends, axes, steps } = sliceArgs(c);
  c.expect(starts.length === 1 && ends.length === 1 && (axes ?? [0]).every((a) => a === 0 || a === -1), 'a 1-D tensor slices along one axis');
  return c.ints1d(sliceIndices(starts[0]!, ends[0]!, steps?.[0] ?? 1, s.data.length).map((i) => s.data[i]!));
}

/** Slice of a graph value; a symbolic axis may only be taken whole. */
export function sliceValue(c: NodeContext): Value {
  const x = c.value(0);
  const { starts, ends, axes = starts.map((_, i) => i), steps = starts.map(() => 1) } = sliceArgs(c);
  c.expect(ends.length === starts.length && axes.length === starts.length && steps.length === starts.length, 'starts, ends, axes and steps must have one entry per sliced axis');
  const keep = axes.map((a, i) => {
    const whole = steps[i] === 1 && (starts[i] === 0 || starts[i]! <= -BIG - 1) && ends[i]! >= BIG;
    return !(whole && typeof x.shape[a < 0 ? a + x.rank : a] === 'string');
  });
  const pick = <T>(v: readonly T[]): T[] => v.filter((_, i) => keep[i]);
  return op.slice(x, pick(starts), pick(ends), pick(axes), pick(steps));
}
