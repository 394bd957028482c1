// The tracing API of the shape primitives (concat, slice, squeeze, unsqueeze, pad) and top-k:
// Python/ONNX conventions at the door (negative indices, clamped ends), normalised attrs inside.
import type { Value } from '../ir/graph.ts';
import { normalizeAxis } from '../ir/types.ts';

/** Inputs joined along `axis` (dims along it must be static). */
export function concat(xs: readonly Value[], axis = 0): Value {
  if (xs.length === 0) throw new Error('concat: needs at least one input; pass a non-empty array');
  if (xs.length === 1) return xs[0]!;
  return xs[0]!.builder.apply('concat', xs, { axis: normalizeAxis(axis, xs[0]!.rank, 'concat') })[0]!;
}

function staticDim(op: string, x: Value, axis: number): number {
  const n = x.shape[axis]!;
  if (typeof n !== 'number') throw new Error(`${op}: axis ${axis} has symbolic size '${n}'; only static axes can be ${op === 'pad' ? 'padded' : 'sliced'}`);
  return n;
}

/**
 * x[starts[i] : ends[i] : steps[i]] along `axes` (default 0, 1, …), as Python and ONNX Slice: negative
 * indices count from the end, out-of-range ends clamp, ±Infinity means "to the end" either way.
 */
export function slice(x: Value, starts: readonly number[], ends: readonly number[], axes?: readonly number[], steps?: readonly number[]): Value {
  const ax = (axes ?? starts.map((_, i) => i)).map((a) => normalizeAxis(a, x.rank, 'slice'));
  const st = steps ?? ax.map(() => 1);
  if (starts.length !== ax.length || ends.length !== ax.length || st.length !== ax.length) {
    throw new Error(`slice: starts (${starts.length}), ends (${ends.length}), axes (${ax.length}) and steps (${st.length}) must have one entry per sliced axis`);
  }
  if (new Set(ax).size !== ax.length) throw new Error(`slice: axes [${ax.join(', ')}] name an axis twice; slice each axis once`);
  const attrs = { axes: [] as number[], starts: [] as number[], ends: [] as number[], steps: [] as number[] };
  // The IR lists axes in ascending order: visit them sorted, each with its own start, end and step.
  [...ax.keys()].sort((p, q) => ax[p]! - ax[q]!).forEach((i) => {
    const a = ax[i]!;
    const n = staticDim('slice', x, a), step = st[i]!;
    if (!Number.isInteger(step) || step === 0) throw new Error(`slice: steps[${i}] must be a non-zero integer, got ${step}`);
    const [lo, hi] = step > 0 ? [0, n] : [-1, n - 1];
    const norm = (v: number, what: string): number => {
      if (Number.isNaN(v) || (Number.isFinite(v) && !Number.isInteger(v))) throw new Error(`slice: ${what}[${i}] must be an integer or ±Infinity, got ${v}`);
      return Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    };
    attrs.axes.push(a);
    attrs.starts.push(norm(starts[i]!, 'starts'));
    attrs.ends.push(norm(ends[i]!, 'ends'));
    attrs.steps.push(step);
  });
  if (attrs.axes.every((a, i) => attrs.starts[i] === 0 && attrs.ends[i] === x.shape[a] && attrs.steps[i] === 1)) return x;
  return x.builder.apply('slice', [x], attrs)[0]!;
}

/** Remove size-1 dims: `axes` (default every static 1). */
export function squeeze(x: Value, axes?: number | readonly number[]): Value {
  const list = axes === undefined ? x.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : typeof axes === 'number' ? [axes] : axes;
  const norm = [...new Set(list.map((a) => normalizeAxis(a, x.rank, 'squeeze')))].sort((p, q) => p - q);
  if (norm.length === 0) return x;
  return x.builder.apply('squeeze', [x], { axes: norm })[0]!;
}

/** Insert size-1 dims at `axes`, positions in the output (negative counts from its end). */
export function unsqueeze(x: Value, axes: number | readonly number[]): Value {
  const list = typeof axes === 'number' ? [axes] : axes;
  const rank = x.rank + list.length;
  const norm = list.map((a) => normalizeAxis(a, rank, 'unsqueeze')).sort((p, q) => p - q);
  if (new Set(norm).size !== norm.length) throw new Error(`unsqueeze: axes [${list.join(', ')}] name a position twice`);
  if (norm.length === 0) return x;
  return x.builder.apply('unsqueeze', [x], { axes: norm })[0]!;
}

/** Constant padding: `pads[i] = [before, after]` for every dim i (non-negative). */
export function pad(x: Value, pads: readonly (readonly [number, number])[], value = 0): Value {
  if (pads.length !== x.rank) throw new Error(`pad: pads has ${pads.length} [before, after] pairs, x has rank ${x.rank}; give one pair per dim`);
  if (pads.every(([b, e]) => b === 0 && e === 0)) return x;
  const v = x.dtype === 'float32' ? Math.fround(value) : value; // rounded once, as float32 literals are
  return x.builder.apply('pad', [x], { pads: [...pads.map((p) => p[0]), ...pads.map((p) => p[1])], value: v })[0]!;
}

export interface TopkOptions {
  /** Axis to select along (default -1). */
  axis?: number;
  /** The k largest (default true) or the k smallest. */
  largest?: boolean;
}

/** The k largest (or smallest) entries along an axis, sorted, ties to the lower index; indices are int32. */
export function topk(x: Value, k: number, { axis = -1, largest = true }: TopkOptions = {}): { values: Value; indices: Value } {
  const [values, indices] = x.builder.apply('topk', [x], { k, axis: normalizeAxis(axis, x.rank, 'topk'), largest });
  return { values: values!, indices: indices! };
}
