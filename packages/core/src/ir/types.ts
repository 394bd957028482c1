import type { DType } from '../tensor.ts';

/** A dimension: a static size, or the name of a symbolic dimension bound at run time ('batch'). */
export type Dim = number | string;

export interface ValueType {
  readonly dtype: DType;
  readonly shape: readonly Dim[];
}

export function formatType(t: ValueType): string {
  return `${t.dtype}[${t.shape.join(', ')}]`;
}

export function sameDim(a: Dim, b: Dim): boolean {
  return a === b;
}

export function isStatic(shape: readonly Dim[]): shape is readonly number[] {
  return shape.every((d) => typeof d === 'number');
}

/** Numpy broadcasting of two shapes; a symbolic dim matches itself or 1. */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[], what = 'broadcast'): Dim[] {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else throw new Error(`${what}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast (dim ${i}: ${da} vs ${db})`);
  }
  return out;
}

/** Replace symbolic dims with their bound sizes. */
export function resolveShape(shape: readonly Dim[], dims: ReadonlyMap<string, number>): number[] {
  return shape.map((d) => {
    if (typeof d === 'number') return d;
    const v = dims.get(d);
    if (v === undefined) throw new Error(`symbolic dimension '${d}' is not bound by any input`);
    return v;
  });
}

export function normalizeAxis(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new Error(`${what}: axis ${axis} is out of range for rank ${rank}`);
  }
  return a;
}
