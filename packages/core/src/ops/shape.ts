// Shape primitives: concat, slice, squeeze, unsqueeze, pad. Each is one ONNX op, so models import
// back one-to-one; their VJPs are each other (slice ↔ pad/concat, squeeze ↔ unsqueeze).
import { Tensor, allocate, sizeOf, stridesOf } from '../tensor.ts';
import { formatType, sameDim, type Dim } from '../ir/types.ts';
import type { Value } from '../ir/graph.ts';
import { defineOp } from './registry.ts';
import { refDType, remap, stridedIndex } from './kernels.ts';
import { expand, pad, reshape } from './api.ts';

export type SliceAttrs = { axes: readonly number[]; starts: readonly number[]; ends: readonly number[]; steps: readonly number[] };

function checkAxes(op: string, axes: readonly number[], rank: number): void {
  const sorted = axes.every((a, i) => i === 0 || a > axes[i - 1]!);
  if (!axes.every((a) => Number.isInteger(a) && a >= 0 && a < rank) || !sorted) {
    throw new Error(`${op}: axes [${axes.join(', ')}] must be distinct, ascending and in [0, ${rank}); the tracing API normalises them`);
  }
}

/** Elements a normalised slice keeps along one axis. */
export function sliceCount(start: number, end: number, step: number): number {
  return Math.max(0, step > 0 ? Math.ceil((end - start) / step) : Math.ceil((start - end) / -step));
}

/** Apply a slice with normalised attrs (the VJPs build these directly). */
export function sliceRaw(x: Value, attrs: SliceAttrs): Value {
  return x.builder.apply('slice', [x], attrs)[0]!;
}

/**
 * The adjoint of taking every `step`-th element from `start` along `axis` of a length-`n` axis: g's
 * entry t lands at start + t·step, positions outside [0, n) are dropped, the rest is zero.
 * Built from unsqueeze, pad, reshape and slice, so it is differentiable and runs on every backend.
 */
export function sliceAdjoint(g: Value, axis: number, start: number, step: number, n: number): Value {
  const m = g.shape[axis] as number;
  const at = (shape: readonly Dim[], len: number): Dim[] => shape.map((d, i) => (i === axis ? len : d));
  if (m === 0 || n === 0) return expand(g.builder.literal(0, g.dtype), at(g.shape, n));
  if (step < 0) {
    // Reverse g, then scatter forwards from the last position reached.
    const rev = sliceRaw(g, { axes: [axis], starts: [m - 1], ends: [-1], steps: [-1] });
    return sliceAdjoint(rev, axis, start + (m - 1) * step, -step, n);
  }
  let z = g, len = m;
  if (step > 1) {
    // Interleave step − 1 zeros after each entry: [m] → [m, 1] → [m, step] → [m·step], then trim the tail.
    const u = g.builder.apply('unsqueeze', [g], { axes: [axis + 1] })[0]!;
    const pads = u.shape.map(() => [0, 0] as [number, number]);
    pads[axis + 1] = [0, step - 1];
    z = reshape(pad(u, pads), at(g.shape, m * step));
    len = (m - 1) * step + 1;
  }
  const from = Math.max(0, -start), to = Math.min(len, n - start);
  if (to <= from) return expand(g.builder.literal(0, g.dtype), at(g.shape, n));
  if (from > 0 || to < (z.shape[axis] as number)) z = sliceRaw(z, { axes: [axis], starts: [from], ends: [to], steps: [1] });
  const pads = z.shape.map(() => [0, 0] as [number, number]);
  pads[axis] = [start + from, n - (start + to)];
  return pad(z, pads);
}

export const concatOp = defineOp<{ axis: number }>({
  name: 'concat', doc: 'inputs joined along an axis (primitive: no other op places data at offsets)', // variadic: no arity
  infer: (xs, { axis }) => {
    const first = xs[0];
    if (!first) throw new Error('concat: needs at least one input');
    const r = first.shape.length;
    if (!Number.isInteger(axis) || axis < 0 || axis >= r) throw new Error(`concat: axis ${axis} is out of range for rank ${r}`);
    let total = 0;
    for (const x of xs) {
      if (x.dtype !== first.dtype || x.shape.length !== r || x.shape.some((d, i) => i !== axis && !sameDim(d, first.shape[i]!))) {
        throw new Error(`concat: ${formatType(x)} does not match ${formatType(first)} outside axis ${axis}; inputs need one dtype and equal other dims`);
      }
      const n = x.shape[axis]!;
      if (typeof n !== 'number') throw new Error(`concat: axis ${axis} of ${formatType(x)} is symbolic; concatenate along a static axis`);
      total += n;
    }
    return [{ dtype: first.dtype, shape: first.shape.map((d, i) => (i === axis ? total : d)) }];
  },
  compute: (xs, { axis }, [s]) => {
    const outStrides = stridesOf(s!);
    const out = allocate(refDType(xs[0]!.dtype), sizeOf(s!));
    let offset = 0;
    for (const x of xs) {
      const map = stridedIndex(x.shape, outStrides, offset * outStrides[axis]!);
      for (let i = 0; i < map.length; i++) out[map[i]!] = x.data[i]!;
      offset += x.shape[axis]!;
    }
    return [new Tensor(refDType(xs[0]!.dtype), s!, out)];
  },
  vjp: ({ inputs, attrs: { axis } }, [g]) => {
    let offset = 0;
    return inputs.map((x) => {
      const n = x.shape[axis] as number;
      offset += n;
      return sliceRaw(g!, { axes: [axis], starts: [offset - n], ends: [offset], steps: [1] });
    });
  },
  onnx: (e, n) => void e.node('Concat', n.inputs, { axis: { i: n.attrs.axis } }, n.outputs),
});

export const sliceOp = defineOp<SliceAttrs>({
  name: 'slice', doc: 'x[start:end:step] along axes; normalised attrs, a negative step may end at −1 = before 0 (primitive: gather takes only rows)', arity: 1,
  infer: ([x], { axes, starts, ends, steps }) => {
    checkAxes('slice', axes, x!.shape.length);
    if (starts.length !== axes.length || ends.length !== axes.length || steps.length !== axes.length) {
      throw new Error('slice: axes, starts, ends and steps need one entry per sliced axis');
    }
    const shape = [...x!.shape];
    axes.forEach((a, i) => {
      const n = x!.shape[a]!, step = steps[i]!, start = starts[i]!, end = ends[i]!;
      if (typeof n !== 'number') throw new Error(`slice: axis ${a} of ${formatType(x!)} is symbolic; slice static axes only`);
      const [lo, hi] = step > 0 ? [0, n] : [-1, n - 1];
      if (!Number.isInteger(step) || step === 0 || ![start, end].every((v) => Number.isInteger(v) && v >= lo && v <= hi)) {
        throw new Error(`slice: axis ${a} (size ${n}) has start ${start}, end ${end}, step ${step}; the tracing API clamps them to [${lo}, ${hi}]`);
      }
      shape[a] = sliceCount(start, end, step);
    });
    return [{ dtype: x!.dtype, shape }];
  },
  compute: ([x], { axes, starts, steps }, [s]) => {
    const inStrides = stridesOf(x!.shape);
    let base = 0;
    const strides = inStrides.map((st, d) => {
      const k = axes.indexOf(d);
      if (k < 0) return st;
      base += starts[k]! * st;
      return steps[k]! * st;
    });
    return [remap(x!, stridedIndex(s!, strides, base), s!)];
  },
  vjp: ({ inputs: [x], attrs: { axes, starts, steps } }, [g]) => {
    let out = g!;
    axes.forEach((a, i) => (out = sliceAdjoint(out, a, starts[i]!, steps[i]!, x!.shape[a] as number)));
    return [out];
  },
  // Slice-13 takes starts/ends/axes/steps as int64 inputs. A normalised end of −1 (before index 0 with a
  // negative step) would read as "the last index", so it is written as −(n+1); an empty range as 0:0:1.
  onnx: (e, { inputs: [x], outputs, inTypes: [t], attrs: { axes, starts, ends, steps } }) => {
    const empty = axes.map((_, i) => sliceCount(starts[i]!, ends[i]!, steps[i]!) === 0);
    const n = (i: number): number => t!.shape[axes[i]!] as number;
    e.node('Slice', [
      x!,
      e.int64s(starts.map((v, i) => (empty[i] ? 0 : v))),
      e.int64s(ends.map((v, i) => (empty[i] ? 0 : v === -1 ? -(n(i) + 1) : v))),
      e.int64s(axes),
      e.int64s(steps.map((v, i) => (empty[i] ? 1 : v))),
    ], {}, outputs);
  },
});

export const squeezeOp = defineOp<{ axes: readonly number[] }>({
  name: 'squeeze', doc: 'remove size-1 dims (primitive: ONNX Squeeze maps to it one-to-one, where reshape needs run-time shapes)', arity: 1,
  infer: ([x], { axes }) => {
    checkAxes('squeeze', axes, x!.shape.length);
    const bad = axes.filter((a) => x!.shape[a] !== 1);
    if (bad.length) throw new Error(`squeeze: axes [${bad.join(', ')}] of ${formatType(x!)} do not have size 1`);
    return [{ dtype: x!.dtype, shape: x!.shape.filter((_, i) => !axes.includes(i)) }];
  },
  compute: ([x], _, [s]) => [new Tensor(x!.dtype, s!, x!.data)],
  vjp: ({ attrs: { axes } }, [g]) => [g!.builder.apply('unsqueeze', [g!], { axes })[0]!],
  // Squeeze-13 takes axes as an int64 input.
  onnx: (e, n) => void e.node('Squeeze', [n.inputs[0]!, e.int64s(n.attrs.axes)], {}, n.outputs),
});

export const unsqueezeOp = defineOp<{ axes: readonly number[] }>({
  name: 'unsqueeze', doc: 'insert size-1 dims at output positions (primitive: ONNX Unsqueeze maps to it one-to-one)', arity: 1,
  infer: ([x], { axes }) => {
    const r = x!.shape.length + axes.length;
    checkAxes('unsqueeze', axes, r);
    const rest = [...x!.shape];
    return [{ dtype: x!.dtype, shape: Array.from({ length: r }, (_, i) => (axes.includes(i) ? 1 : rest.shift()!)) }];
  },
  compute: ([x], _, [s]) => [new Tensor(x!.dtype, s!, x!.data)],
  vjp: ({ attrs: { axes } }, [g]) => [g!.builder.apply('squeeze', [g!], { axes })[0]!],
  // Unsqueeze-13 takes axes as an int64 input.
  onnx: (e, n) => void e.node('Unsqueeze', [n.inputs[0]!, e.int64s(n.attrs.axes)], {}, n.outputs),
});

export const padOp = defineOp<{ pads: readonly number[]; value: number }>({
  name: 'pad', doc: 'constant padding, pads = [begins…, ends…] as ONNX, non-negative (primitive: the adjoint of slice)', arity: 1,
  infer: ([x], { pads, value }) => {
    const r = x!.shape.length;
    if (x!.dtype === 'bool') throw new Error('pad: bool input; cast to int32 or a float type first');
    if (pads.length !== 2 * r || !pads.every((p) => Number.isInteger(p) && p >= 0)) {
      throw new Error(`pad: pads [${pads.join(', ')}] must be ${2 * r} non-negative integers (begins, then ends); crop with slice`);
    }
    if (typeof value !== 'number' || (x!.dtype === 'int32' && !Number.isInteger(value))) {
      throw new Error(`pad: value ${value} does not fit ${x!.dtype}; give ${x!.dtype === 'int32' ? 'an integer' : 'a number'}`);
    }
    const shape = x!.shape.map((d, i) => {
      const extra = pads[i]! + pads[i + r]!;
      if (extra === 0) return d;
      if (typeof d !== 'number') throw new Error(`pad: axis ${i} of ${formatType(x!)} is symbolic; pad static axes only`);
      return d + extra;
    });
    return [{ dtype: x!.dtype, shape }];
  },
  compute: ([x], { pads, value }, [s]) => {
    const outStrides = stridesOf(s!);
    const base = x!.shape.reduce((acc, _, i) => acc + pads[i]! * outStrides[i]!, 0);
    const out = allocate(refDType(x!.dtype), sizeOf(s!)).fill(value);
    const map = stridedIndex(x!.shape, outStrides, base);
    for (let i = 0; i < map.length; i++) out[map[i]!] = x!.data[i]!;
    return [new Tensor(refDType(x!.dtype), s!, out)];
  },
  vjp: ({ inputs: [x], attrs: { pads } }, [g]) => {
    const r = x!.rank;
    const axes = x!.shape.flatMap((_, i) => (pads[i]! + pads[i + r]! > 0 ? [i] : []));
    return [sliceRaw(g!, { axes, starts: axes.map((a) => pads[a]!), ends: axes.map((a) => pads[a]! + (x!.shape[a] as number)), steps: axes.map(() => 1) })];
  },
  // Pad-13 takes pads (int64) and the constant value (a scalar of x's type) as inputs.
  onnx: (e, { inputs: [x], outputs, inTypes: [t], attrs: { pads, value } }) => {
    const v = e.constant(new Tensor(t!.dtype, [], allocate(t!.dtype, 1).fill(value)));
    e.node('Pad', [x!, e.int64s(pads), v], { mode: { s: 'constant' } }, outputs);
  },
});
