// top-k along an axis: sorted values and their int32 indices (ties to the lower index, as ONNX TopK).
import { Tensor, allocate, sizeOf } from '../tensor.ts';
import { formatType } from '../ir/types.ts';
import type { Value } from '../ir/graph.ts';
import { defineOp, ONNX_DTYPE, type VjpArgs } from './registry.ts';
import { refDType } from './kernels.ts';
import { add, mul, oneHot, reshape, scatterAdd, sum, transpose, unsqueeze } from './api.ts';

interface TopkAttrs { k: number; axis: number; largest: boolean }

/** Permutation moving `axis` last, and its inverse. */
function toLast(rank: number, axis: number): { perm: number[]; inv: number[] } {
  const perm = [...Array(rank).keys()].filter((d) => d !== axis).concat(axis);
  const inv = new Array<number>(rank);
  perm.forEach((p, i) => (inv[p] = i));
  return { perm, inv };
}

// The values' cotangent goes back to the positions the indices name: a scatter-add over flattened
// rows when every dim is static, else a one-hot product (which needs no row offsets).
function topkVjp({ b, inputs: [x], outputs: [, idx], attrs: { axis } }: VjpArgs<TopkAttrs>, [gv]: readonly Value[]): (Value | null)[] {
  const { perm, inv } = toLast(x!.rank, axis);
  const n = x!.shape[axis] as number;
  const gT = transpose(gv!, perm), iT = transpose(idx!, perm);
  const lead = gT.shape.slice(0, -1), k = gT.shape[gT.rank - 1] as number;
  let out: Value;
  if (lead.every((d): d is number => typeof d === 'number')) {
    const rows = lead.reduce((p, q) => p * q, 1);
    const offsets = b.constant(b.freshName('topk_rows_'), new Tensor('int32', [rows, 1], Int32Array.from({ length: rows }, (_, r) => r * n)));
    const flat = reshape(add(reshape(iT, [rows, k]), offsets), [rows * k]);
    out = reshape(scatterAdd(flat, reshape(gT, [rows * k]), rows * n), [...lead, n]);
  } else {
    out = sum(mul(unsqueeze(gT, -1), oneHot(iT, n, gT.dtype)), -2);
  }
  return [transpose(out, inv)];
}

export const topkOp = defineOp<TopkAttrs>({
  name: 'topk', doc: 'the k largest (or smallest) entries along an axis, sorted, int32 indices, ties to the lower index (primitive: selection)', arity: 1,
  infer: ([x], { k, axis, largest }) => {
    if (x!.dtype === 'bool') throw new Error('topk: bool input; cast to a number type first');
    if (!Number.isInteger(axis) || axis < 0 || axis >= x!.shape.length) throw new Error(`topk: axis ${axis} is out of range for rank ${x!.shape.length}`);
    const n = x!.shape[axis]!;
    if (typeof n !== 'number') throw new Error(`topk: axis ${axis} of ${formatType(x!)} is symbolic; select along a static axis`);
    if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`topk: k = ${k} must be an integer in [1, ${n}] (the size of axis ${axis})`);
    if (typeof largest !== 'boolean') throw new Error(`topk: largest must be true or false, got ${String(largest)}`);
    const shape = x!.shape.map((d, i) => (i === axis ? k : d));
    return [{ dtype: x!.dtype, shape }, { dtype: 'int32', shape }];
  },
  compute: ([x], { k, axis, largest }, [s]) => {
    const n = x!.shape[axis]!, inner = x!.shape.slice(axis + 1).reduce((p, q) => p * q, 1);
    const outer = x!.size / Math.max(n * inner, 1);
    const values = allocate(refDType(x!.dtype), sizeOf(s!)), indices = new Int32Array(sizeOf(s!));
    const order = new Array<number>(n);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const at = (j: number): number => x!.data[(o * n + j) * inner + i]!;
        for (let j = 0; j < n; j++) order[j] = j;
        order.sort((p, q) => (at(p) === at(q) ? p - q : (largest ? at(q) > at(p) : at(q) < at(p)) ? 1 : -1));
        for (let j = 0; j < k; j++) {
          values[(o * k + j) * inner + i] = at(order[j]!);
          indices[(o * k + j) * inner + i] = order[j]!;
        }
      }
    }
    return [new Tensor(refDType(x!.dtype), s!, values), new Tensor('int32', s!, indices)];
  },
  vjp: topkVjp,
  // TopK takes K as a 1-element int64 input and returns int64 indices, cast to the IR's int32.
  onnx: (e, { inputs: [x], outputs: [values, indices], attrs: { k, axis, largest } }) => {
    const [, i64] = e.node('TopK', [x!, e.int64s([k])], { axis: { i: axis }, largest: { i: largest ? 1 : 0 }, sorted: { i: 1 } }, [values!, e.fresh('topk_i64')]);
    e.node('Cast', [i64!], { to: { i: ONNX_DTYPE.int32 } }, [indices!]);
  },
});
