// The wasm backend's one lowering table: each core primitive as tfjs-core calls. An entry arranges
// dtypes and layouts for tfjs; the op's math lives in core. Quirks of tfjs-backend-wasm 4.22 that an
// entry works around are named in its comment (each was observed by running the kernel).
import * as tf from '@tensorflow/tfjs-core';
import type { DType, Dim } from '@repkit/core';
import { tfDType } from './transfer.ts';
import * as spatial from './lowering/spatial.ts';
import { hasGemm, heapMatMul, leadingSums } from './gemm.ts';
import { gatherRows, sliceUnit, view } from './heap.ts';

export interface LowerArgs<A = Readonly<Record<string, unknown>>> {
  /** The node's attrs, as the op definition in @repkit/core names them. */
  readonly attrs: A;
  /** Output shapes with symbolic dims bound for this run. */
  readonly outShapes: readonly number[][];
  /** Declared output dtypes (float64 runs as float32). */
  readonly outDTypes: readonly DType[];
}

/** Maps the tfjs inputs of one node to its tfjs outputs (one tensor, or one per node output). */
export type Lowering<A = any> = (x: readonly tf.Tensor[], args: LowerArgs<A>) => tf.Tensor | tf.Tensor[];

interface ReduceAttrs { axes: readonly number[]; keepDims: boolean }
interface SliceAttrs { axes: readonly number[]; starts: readonly number[]; ends: readonly number[]; steps: readonly number[] }

/**
 * One tfjs kernel, called directly. The tf.* op wrappers around single-kernel ops add a scope, input
 * conversion and dtype matching the IR never needs: ~0.5 µs per node, 10–18 % of the edge page's KGE query.
 */
function kernel(name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown> = {}): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

function one(x: readonly tf.Tensor[]): tf.Tensor {
  return x[0]!;
}

function two(x: readonly tf.Tensor[]): [tf.Tensor, tf.Tensor] {
  return [x[0]!, x[1]!];
}

/** Throw as the reference does when an index leaves [0, n): tfjs would drop or zero it silently. */
function checkIndices(op: string, idx: tf.Tensor, n: number): void {
  const d = idx.dataSync() as Int32Array;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v < 0 || v >= n) throw new Error(`${op}: index ${v} (at flat position ${i}) is out of range [0, ${n}); check the indices fed or computed`);
  }
}

/** The reduction of an empty tensor: the wasm Sum/Max/Mean kernels return uninitialised memory there. */
function emptyReduce(shape: readonly number[], dtype: tf.DataType, value: number): tf.Tensor {
  return tf.fill([...shape], value, dtype);
}

/** The IR's cast: float32 ↔ float64 is no change in tfjs, which holds both as float32. */
function cast(x: tf.Tensor, to: DType): tf.Tensor {
  const want = tfDType(to);
  if (x.dtype === want) return x;
  // wasm's Cast to bool copies the low byte (256 → false, −1 → 255); x ≠ 0 is the IR's definition.
  if (want === 'bool') return tf.notEqual(x, tf.scalar(0, x.dtype));
  return tf.cast(x, want);
}

/**
 * `x` broadcast to `shape`. wasm's Tile, which tf.broadcastTo and tf.where use, ran 10× slower (65 ns
 * per element) than a broadcasting multiply by ones, which keeps every value (−0, NaN, ±Inf) as it is.
 */
function broadcast(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  if (x.dtype === 'bool') return cast(broadcast(tf.cast(x, 'int32'), shape), 'bool');
  return tf.mul(x, tf.fill([...shape], 1, x.dtype));
}

function batchSize(x: tf.Tensor): number {
  return x.shape.slice(0, -2).reduce((p, q) => p * q, 1);
}

/** On the gemm, float32 sums over axes 0 … k−1 (k < rank): the product of their extents, else undefined. */
function leading(x: tf.Tensor, axes: readonly number[]): number | undefined {
  if (!hasGemm() || x.dtype !== 'float32' || axes.length === 0 || axes.length >= x.rank) return undefined;
  if ([...axes].sort((p, q) => p - q).some((a, i) => a !== i)) return undefined;
  return x.shape.slice(0, axes.length).reduce((p, q) => p * q, 1);
}

/** `t` viewed as `s` (same size), `t` released. */
function shaped(t: tf.Tensor, s: readonly number[]): tf.Tensor {
  const out = view(t, s);
  t.dispose();
  return out;
}

/** a[…, m, k]·b[k, n] on repkit's gemm: a's leading axes are rows of one product, viewed in place. */
function rowsProduct(a: tf.Tensor, b: tf.Tensor, s: readonly number[]): tf.Tensor {
  if (a.rank === 2) return heapMatMul(a, b);
  const a2 = view(a, [a.shape.slice(0, -1).reduce((p, q) => p * q, 1), a.shape[a.rank - 1]!]);
  try {
    return shaped(heapMatMul(a2, b), s);
  } finally {
    a2.dispose();
  }
}

/** Run `f` along `axis` by moving that axis last (tfjs softmax, log-softmax and topk take only the last axis). */
function alongLast(v: tf.Tensor, axis: number, f: (t: tf.Tensor) => tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  const last = v.rank - 1;
  if (axis === last) return [f(v)].flat();
  const perm = [...Array(v.rank).keys()];
  [perm[axis], perm[last]] = [last, axis];
  return [f(tf.transpose(v, perm))].flat().map((t) => tf.transpose(t, perm));
}

/** The IR's extremum reduction; the wasm Max/Min kernels return uninitialised memory for empty inputs. */
function extremum(x: tf.Tensor, { axes, keepDims }: ReduceAttrs, s: readonly number[], f: typeof tf.max, empty: number, emptyInt: number): tf.Tensor {
  return x.size === 0 ? emptyReduce(s, x.dtype, x.dtype === 'int32' ? emptyInt : empty) : f(x, [...axes], keepDims);
}

/**
 * The IR's slice. Unit steps use the Slice kernel. Other steps use StridedSlice for float32, but its
 * general path labels int32/bool results float32 and returns their bit patterns (7 → 1e-44), so those
 * dtypes gather the chosen positions along each axis instead (GatherV2 keeps every dtype).
 */
function slice(x: tf.Tensor, { axes, starts, ends, steps }: SliceAttrs, s: readonly number[]): tf.Tensor {
  const begin = x.shape.map(() => 0), end = [...x.shape], strides = x.shape.map(() => 1);
  let endMask = 0;
  axes.forEach((a, i) => {
    begin[a] = starts[i]!;
    end[a] = ends[i]!;
    strides[a] = steps[i]!;
    // A normalised end of −1 means "past index 0" (negative step); tfjs would read −1 as the last index.
    if (ends[i] === -1) endMask |= 1 << a;
  });
  if (s.some((d) => d === 0)) return tf.zeros([...s], x.dtype);
  if (strides.every((st) => st === 1)) return sliceUnit(x, begin, s);
  if (x.dtype === 'float32') return tf.stridedSlice(x, begin, end, strides, 0, endMask);
  let out = x;
  axes.forEach((a, i) => {
    if (steps[i] === 1) out = tf.slice(out, out.shape.map((_, d) => (d === a ? starts[i]! : 0)), out.shape.map((n, d) => (d === a ? s[a]! : n)));
    else out = tf.gather(out, tf.tensor1d(Array.from({ length: s[a]! }, (_, k) => starts[i]! + k * steps[i]!), 'int32'), a);
  });
  return out;
}

/** `x` broadcast to the batch dims of `out`, keeping its own matrix dims. */
function toBatch(x: tf.Tensor, out: readonly number[]): tf.Tensor {
  return broadcast(x, [...out.slice(0, -2), ...x.shape.slice(-2)]);
}

export const LOWERING: Readonly<Record<string, Lowering>> = {
  add: (x) => kernel(tf.Add, { a: x[0]!, b: x[1]! }),
  sub: (x) => kernel(tf.Sub, { a: x[0]!, b: x[1]! }),
  mul: (x) => kernel(tf.Multiply, { a: x[0]!, b: x[1]! }),
  div: (x) => {
    const [a, b] = two(x);
    if (a.dtype !== 'int32') return tf.div(a, b);
    // tf.div floors int32 (−7/2 → −4, x/0 → INT_MIN) in float32 arithmetic anyway; dividing as float32 and
    // casting back truncates toward zero and sends x/0 to 0 as the IR does (exact while |a| < 2^24).
    return tf.cast(tf.div(tf.cast(a, 'float32'), tf.cast(b, 'float32')), 'int32');
  },
  maximum: (x) => tf.maximum(...two(x)),
  minimum: (x) => tf.minimum(...two(x)),
  pow: (x) => tf.pow(...two(x)),
  greater: (x) => tf.greater(...two(x)),
  less: (x) => tf.less(...two(x)),
  equal: (x) => tf.equal(...two(x)),

  neg: (x) => kernel(tf.Neg, { x: one(x) }),
  stopGradient: (x) => one(x),
  exp: (x) => tf.exp(one(x)),
  log: (x) => tf.log(one(x)),
  sqrt: (x) => tf.sqrt(one(x)),
  abs: (x) => kernel(tf.Abs, { x: one(x) }),
  sign: (x) => tf.sign(one(x)),
  relu: (x) => kernel(tf.Relu, { x: one(x) }),
  sigmoid: (x) => tf.sigmoid(one(x)),
  tanh: (x) => tf.tanh(one(x)),
  softplus: (x) => tf.softplus(one(x)),
  erf: (x) => tf.erf(one(x)),
  // ClipByValue is wrong on int32 (−5 clipped to −1 gave −1082130432: the float bits of −1) and sends
  // NaN to the lower bound; Maximum then Minimum keep every dtype and let a NaN in x through.
  clip: (x, { attrs: { min, max } }: LowerArgs<{ min: number; max: number }>) => {
    let v = one(x);
    if (min > -Infinity) v = tf.maximum(v, tf.scalar(min, v.dtype));
    if (max < Infinity) v = tf.minimum(v, tf.scalar(max, v.dtype));
    return v;
  },
  cast: (x, { attrs }: LowerArgs<{ to: DType }>) => cast(one(x), attrs.to),
  // The Select kernel wants three equal shapes; tf.where would broadcast them with Tile (see broadcast).
  // wasm's Select mishandles bool branches (wrong values, or an abort when broadcast): select int32.
  where: (x, { outShapes: [s] }) => {
    const asBool = x[1]!.dtype === 'bool';
    const branch = (t: tf.Tensor): tf.Tensor => broadcast(asBool ? tf.cast(t, 'int32') : t, s!);
    const out = tf.engine().runKernel(tf.Select, { condition: broadcast(x[0]!, s!), t: branch(x[1]!), e: branch(x[2]!) }) as tf.Tensor;
    return asBool ? cast(out, 'bool') : out;
  },

  reduceSum: (x, { attrs: { axes, keepDims }, outShapes: [s] }: LowerArgs<ReduceAttrs>) => {
    const v = one(x);
    if (v.size === 0) return emptyReduce(s!, v.dtype, 0);
    if (v.dtype === 'bool') return tf.sum(v, [...axes], keepDims); // tf.sum counts bools as int32
    const rows = leading(v, axes); // e.g. a bias gradient's column sums
    return rows ? shaped(leadingSums(v, rows), s!) : kernel(tf.Sum, { x: v }, { axis: [...axes], keepDims });
  },
  reduceMean: (x, { attrs: { axes, keepDims }, outShapes: [s] }: LowerArgs<ReduceAttrs>) =>
    one(x).size === 0 ? emptyReduce(s!, 'float32', NaN) : tf.mean(one(x), [...axes], keepDims),
  reduceMax: (x, { attrs, outShapes: [s] }: LowerArgs<ReduceAttrs>) => extremum(one(x), attrs, s!, tf.max, -Infinity, -2147483648),
  reduceMin: (x, { attrs, outShapes: [s] }: LowerArgs<ReduceAttrs>) => extremum(one(x), attrs, s!, tf.min, Infinity, 2147483647),
  // tfjs has no LogSumExp kernel, and tf.logSumExp's max shift makes a row of −∞ NaN (−∞ − −∞) where the
  // reference and onnxruntime give −∞: the same max-shifted chain, with infinite maxima shifted by 0.
  logsumexp: (x, { attrs: { axes, keepDims }, outShapes: [s] }: LowerArgs<ReduceAttrs>) => {
    const v = one(x);
    if (v.size === 0) return emptyReduce(s!, 'float32', -Infinity);
    const m = tf.max(v, [...axes], true);
    const shift = tf.where(tf.isInf(m), tf.zerosLike(m), m);
    return tf.reshape(tf.add(tf.log(tf.sum(tf.exp(tf.sub(v, shift)), [...axes], true)), shift), s!);
  },

  matmul: (x, { outShapes: [s] }) => {
    const [a, b] = two(x);
    // wasm has no int32 BatchMatMul ("not yet supported"); an exact int32 product as a[…,m,k,1]·b[…,1,k,n] summed over k.
    if (a.dtype !== 'float32') return tf.sum(tf.mul(tf.expandDims(a, -1), tf.expandDims(b, -3)), -2);
    // repkit's gemm: a[…, m, k]·b[k, n] as one [rows, k]·[k, n] product, a read in place.
    if (hasGemm() && b.rank === 2 && a.rank >= 2) return rowsProduct(a, b, s!);
    // wasm's BatchMatMul miscounts batches when both sides carry different batch shapes
    // ([2,1,3,4]@[5,4,6] fills 90 of 180 values): give both the output's batch shape first.
    if (batchSize(a) > 1 && batchSize(b) > 1) return tf.matMul(toBatch(a, s!), toBatch(b, s!));
    return kernel(tf.BatchMatMul, { a, b }, { transposeA: false, transposeB: false });
  },
  // An explicit Transpose kernel: matMul's transpose flags ran 10–20× slower on this backend.
  transpose: (x, { attrs: { perm } }: LowerArgs<{ perm: readonly number[] }>) => tf.transpose(one(x), [...perm]),
  reshape: (x, { outShapes: [s] }: LowerArgs<{ shape: readonly Dim[] }>) => view(one(x), s!),
  expand: (x, { outShapes: [s] }: LowerArgs<{ shape: readonly Dim[] }>) => broadcast(one(x), s!),
  squeeze: (x, { outShapes: [s] }) => view(one(x), s!),
  unsqueeze: (x, { outShapes: [s] }) => view(one(x), s!),
  concat: (x, { attrs: { axis } }: LowerArgs<{ axis: number }>) => tf.concat([...x], axis),
  slice: (x, { attrs, outShapes: [s] }: LowerArgs<SliceAttrs>) => slice(one(x), attrs, s!),
  pad: (x, { attrs: { pads, value } }: LowerArgs<{ pads: readonly number[]; value: number }>) => {
    const r = one(x).rank;
    return tf.pad(one(x), Array.from({ length: r }, (_, i) => [pads[i]!, pads[i + r]!] as [number, number]), value);
  },

  gather: (x) => {
    const [table, idx] = two(x);
    checkIndices('gather', idx, table.shape[0]!);
    return gatherRows(table, idx);
  },
  scatterAdd: (x, { attrs: { size }, outShapes: [s] }: LowerArgs<{ size: number }>) => {
    const [idx, upd] = two(x);
    checkIndices('scatterAdd', idx, size);
    // ScatterNd sums updates at repeated indices; it wants each index as a 1-element row.
    return tf.scatterND(tf.expandDims(idx, -1), upd, s!);
  },
  oneHot: (x, { attrs: { depth, dtype } }: LowerArgs<{ depth: number; dtype: DType }>) => {
    const idx = one(x);
    checkIndices('oneHot', idx, depth);
    // tf.oneHot rejects depth < 2: take depth 2 and keep the first column.
    const hot = depth < 2 ? tf.slice(tf.oneHot(idx, 2), Array(idx.rank + 1).fill(0), [...idx.shape, 1]) : tf.oneHot(idx, depth);
    // Always build int32 then cast: wasm's OneHot writes float32 outputs as int bit patterns (1 → 1.4e-45).
    return cast(hot, dtype);
  },
  argmax: (x, { attrs: { axis }, outShapes: [s] }: LowerArgs<{ axis: number; keepDims: boolean }>) =>
    view(kernel(tf.ArgMax, { x: one(x) }, { axis }), s!),
  argmin: (x, { attrs: { axis }, outShapes: [s] }: LowerArgs<{ axis: number; keepDims: boolean }>) =>
    view(kernel(tf.ArgMin, { x: one(x) }, { axis }), s!),
  // TopK keeps ties in index order, as the IR. It has no "smallest": the largest of −x (an exact negation) are taken.
  topk: (x, { attrs: { k, axis, largest } }: LowerArgs<{ k: number; axis: number; largest: boolean }>) => alongLast(one(x), axis, (v) => {
    const { values, indices } = tf.topk(largest ? v : tf.neg(v), k, true);
    return [largest ? values : tf.neg(values), indices];
  }),
  logSoftmax: (x, { attrs: { axis } }: LowerArgs<{ axis: number }>) => alongLast(one(x), axis, (v) => tf.logSoftmax(v))[0]!,
  softmax: (x, { attrs: { axis } }: LowerArgs<{ axis: number }>) => alongLast(one(x), axis, (v) => kernel(tf.Softmax, { logits: v }, { dim: v.rank - 1 }))[0]!,

  // NCHW ↔ NHWC arrangements and tfjs's conv/pool limits (groups, strides with dilations) are in lowering/spatial.ts.
  conv2d: (x, { attrs }: LowerArgs<spatial.ConvAttrs>) => spatial.conv2d(x[0]!, x[1]!, attrs),
  conv2dTranspose: (x, { attrs, outShapes: [s] }: LowerArgs<spatial.ConvTransposeAttrs>) => spatial.conv2dTranspose(x[0]!, x[1]!, attrs, s!),
  maxPool: (x, { attrs }: LowerArgs<spatial.PoolAttrs>) => spatial.maxPool(one(x), attrs),
  avgPool: (x, { attrs }: LowerArgs<spatial.AvgPoolAttrs>) => spatial.avgPool(one(x), attrs),
};
