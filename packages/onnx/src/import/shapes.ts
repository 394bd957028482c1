// Shape arithmetic at import time over static and symbolic dims: Reshape's 0 and −1, Flatten, axes.
import type { Dim } from '@repkit/core';

export function normAxis(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new Error(`${what}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function normAxes(axes: readonly number[], rank: number, what: string): number[] {
  const out = axes.map((a) => normAxis(a, rank, what));
  if (new Set(out).size !== out.length) throw new Error(`${what}: axes [${axes.join(', ')}] repeat an axis`);
  return out;
}

/** The product of dims as one Dim: a number, or the single symbolic dim when the static part is 1. */
export function productDim(dims: readonly Dim[], what: string): Dim {
  const sym = dims.filter((d): d is string => typeof d === 'string');
  const n = dims.reduce<number>((p, d) => p * (typeof d === 'number' ? d : 1), 1);
  if (sym.length === 0) return n;
  if (sym.length === 1 && n === 1) return sym[0]!;
  throw new Error(`${what}: the product of [${dims.join(', ')}] mixes symbolic and static dims; core shapes cannot express it (export the model with static shapes)`);
}

/** Multiset difference of symbolic names: what `a` has beyond `b`, or undefined if `b` has a name `a` lacks. */
function symbolDiff(a: readonly Dim[], b: readonly Dim[]): string[] | undefined {
  const left = a.filter((d): d is string => typeof d === 'string');
  for (const d of b) {
    if (typeof d !== 'string') continue;
    const i = left.indexOf(d);
    if (i < 0) return undefined;
    left.splice(i, 1);
  }
  return left;
}

const staticProduct = (dims: readonly Dim[]): number => dims.reduce<number>((p, d) => p * (typeof d === 'number' ? d : 1), 1);

/** ONNX Reshape's target: 0 copies the input's dim (unless allowzero), one −1 takes what is left. */
export function reshapeTarget(from: readonly Dim[], target: readonly Dim[], allowzero: boolean, what: string): Dim[] {
  const out = target.map((d, i) => {
    if (d !== 0 || allowzero) return d;
    if (i >= from.length) throw new Error(`${what}: target [${target.join(', ')}] copies dim ${i} (0) but the input has rank ${from.length}`);
    return from[i]!;
  });
  const holes = out.flatMap((d, i) => (d === -1 ? [i] : []));
  if (holes.length > 1) throw new Error(`${what}: target [${target.join(', ')}] has more than one -1`);
  if (out.some((d) => typeof d === 'number' && (d < -1 || !Number.isInteger(d)))) throw new Error(`${what}: target [${target.join(', ')}] holds an invalid dim`);
  if (holes.length === 0) return out;
  const rest = out.filter((_, i) => i !== holes[0]);
  const sym = symbolDiff(from, rest);
  const have = staticProduct(from), known = staticProduct(rest);
  let fill: Dim | undefined;
  if (sym && sym.length === 0 && known > 0 && have % known === 0) fill = have / known;
  else if (sym && sym.length === 1 && have === known) fill = sym[0]!;
  if (fill === undefined) {
    throw new Error(`${what}: cannot infer the -1 in [${target.join(', ')}] from the input's shape [${from.join(', ')}]`);
  }
  out[holes[0]!] = fill;
  return out;
}

/** Flatten: [prod(dims before axis), prod(dims from axis)]. */
export function flattenShape(shape: readonly Dim[], axis: number, what: string): Dim[] {
  const a = axis < 0 ? axis + shape.length : axis;
  if (!Number.isInteger(a) || a < 0 || a > shape.length) throw new Error(`${what}: axis ${axis} is out of range for rank ${shape.length}`);
  return [productDim(shape.slice(0, a), what), productDim(shape.slice(a), what)];
}

/** Shape with size-1 dims inserted at `axes` (normalised against the output rank). */
export function unsqueezeShape(shape: readonly Dim[], axes: readonly number[], what: string): Dim[] {
  const rank = shape.length + axes.length;
  const at = new Set(normAxes(axes, rank, what));
  const out: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : shape[k++]!);
  return out;
}

/** Shape without the dims at `axes` (each must be 1), or without every static 1 when axes is absent. */
export function squeezeShape(shape: readonly Dim[], axes: readonly number[] | undefined, what: string): Dim[] {
  if (axes === undefined) {
    const sym = shape.find((d) => typeof d === 'string');
    if (sym !== undefined) throw new Error(`${what}: without axes, whether symbolic dim '${sym}' is 1 is only known at run time; give the axes`);
    return shape.filter((d) => d !== 1);
  }
  const at = new Set(normAxes(axes, shape.length, what));
  for (const a of at) if (shape[a] !== 1) throw new Error(`${what}: dim ${a} of [${shape.join(', ')}] is ${shape[a]}, not 1`);
  return shape.filter((_, i) => !at.has(i));
}
