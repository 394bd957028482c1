// Row selection on host tensors (batches, splits).
import { Tensor, allocate } from '@repkit/core';

/** Rows of `t` at `idx` (along dim 0). */
export function takeRows(t: Tensor, idx: ArrayLike<number>): Tensor {
  const n = t.shape[0]!, w = n === 0 ? 0 : t.size / n;
  const out = allocate(t.dtype, idx.length * w);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= n) throw new Error(`takeRows: row ${r} is out of range [0, ${n})`);
    out.set(t.data.subarray(r * w, (r + 1) * w), i * w);
  }
  return new Tensor(t.dtype, [idx.length, ...t.shape.slice(1)], out);
}
