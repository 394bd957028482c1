// The wasm backend's one lowering table: each core primitive as tfjs-core calls. An entry arranges
// dtypes and layouts for tfjs; the op's math lives in core. Quirks of tfjs-backend-wasm 4.22 that an
// entry works around are named in its comment (each was observed by running the kernel).
import * as tf from '@tensorflow/tfjs-core';
import type { DType, Dim } from '@repkit/core';
import { tfDType } from './transfer.ts';

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

/** `x` broadcast to the batch dims of `out`, keeping its own matrix dims. */
function toBatch(x: tf.Tensor, out: readonly number[]): tf.Tensor {
  return broadcast(x, [...out.slice(0, -2), ...x.shape.slice(-2)]);
}

export const LOWERING: Readonly<Record<string, Lowering>> = {
  add: (x) => tf.add(...two(x)),
  sub: (x) => tf.sub(...two(x)),
  mul: (x) => tf.mul(...two(x)),
  div: (x) => {
    const [a, b] = two(x);
    if (a.dtype !== 'int32') return tf.div(a, b);
    // tf.div floors int32 (−7/2 → −4, x/0 → INT_MIN) in float32 arithmetic anyway; dividing as float32 and
    // casting back truncates toward zero and sends x/0 to 0 as the IR does (exact while |a| < 2^24).
    return tf.cast(tf.div(tf.cast(a, 'float32'), tf.cast(b, 'float32')), 'int32');
  },
  maximum: (x) => tf.maximum(...two(x)),
  greater: (x) => tf.greater(...two(x)),
  equal: (x) => tf.equal(...two(x)),

  neg: (x) => tf.neg(one(x)),
  exp: (x) => tf.exp(one(x)),
  log: (x) => tf.log(one(x)),
  sqrt: (x) => tf.sqrt(one(x)),
  abs: (x) => tf.abs(one(x)),
  sign: (x) => tf.sign(one(x)),
  relu: (x) => tf.relu(one(x)),
  cast: (x, { attrs }: LowerArgs<{ to: DType }>) => cast(one(x), attrs.to),
  // The Select kernel wants three equal shapes; tf.where would broadcast them with Tile (see broadcast).
  where: (x, { outShapes: [s] }) =>
    tf.engine().runKernel(tf.Select, { condition: broadcast(x[0]!, s!), t: broadcast(x[1]!, s!), e: broadcast(x[2]!, s!) }) as tf.Tensor,

  reduceSum: (x, { attrs: { axes, keepDims }, outShapes: [s] }: LowerArgs<ReduceAttrs>) =>
    one(x).size === 0 ? emptyReduce(s!, one(x).dtype, 0) : tf.sum(one(x), [...axes], keepDims),
  reduceMean: (x, { attrs: { axes, keepDims }, outShapes: [s] }: LowerArgs<ReduceAttrs>) =>
    one(x).size === 0 ? emptyReduce(s!, 'float32', NaN) : tf.mean(one(x), [...axes], keepDims),
  reduceMax: (x, { attrs: { axes, keepDims }, outShapes: [s] }: LowerArgs<ReduceAttrs>) =>
    one(x).size === 0
      ? emptyReduce(s!, one(x).dtype, one(x).dtype === 'int32' ? -2147483648 : -Infinity)
      : tf.max(one(x), [...axes], keepDims),

  matmul: (x, { outShapes: [s] }) => {
    const [a, b] = two(x);
    // wasm has no int32 BatchMatMul ("not yet supported"); an exact int32 product as a[…,m,k,1]·b[…,1,k,n] summed over k.
    if (a.dtype !== 'float32') return tf.sum(tf.mul(tf.expandDims(a, -1), tf.expandDims(b, -3)), -2);
    // wasm's BatchMatMul miscounts batches when both sides carry different batch shapes
    // ([2,1,3,4]@[5,4,6] fills 90 of 180 values): give both the output's batch shape first.
    if (batchSize(a) > 1 && batchSize(b) > 1) return tf.matMul(toBatch(a, s!), toBatch(b, s!));
    return tf.matMul(a, b);
  },
  // An explicit Transpose kernel: matMul's transpose flags ran 10–20× slower on this backend.
  transpose: (x, { attrs: { perm } }: LowerArgs<{ perm: readonly number[] }>) => tf.transpose(one(x), [...perm]),
  reshape: (x, { outShapes: [s] }: LowerArgs<{ shape: readonly Dim[] }>) => tf.reshape(one(x), s!),
  expand: (x, { outShapes: [s] }: LowerArgs<{ shape: readonly Dim[] }>) => broadcast(one(x), s!),

  // GatherV2 itself rejects indices outside [0, rows) with the offending value.
  gather: (x) => tf.gather(x[0]!, x[1]!, 0),
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
    tf.reshape(tf.argMax(one(x), axis), s!),
  logSoftmax: (x, { attrs: { axis } }: LowerArgs<{ axis: number }>) => {
    const v = one(x), last = v.rank - 1;
    if (axis === last) return tf.logSoftmax(v);
    // tf.logSoftmax only takes the last axis: swap `axis` there and back.
    const perm = [...Array(v.rank).keys()];
    [perm[axis], perm[last]] = [last, axis];
    return tf.transpose(tf.logSoftmax(tf.transpose(v, perm)), perm);
  },
};
