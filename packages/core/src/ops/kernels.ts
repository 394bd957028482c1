// Shared pieces of the float64 reference kernels: broadcasting index maps, odometers, reductions.
import { Tensor, allocate, sizeOf, stridesOf, type DType, type TypedArray } from '../tensor.ts';
import { isFloat } from '../tensor.ts';

/** dtype a reference kernel produces: every float is computed and kept in float64. */
export function refDType(dtype: DType): DType {
  return isFloat(dtype) ? 'float64' : dtype;
}

/** For each flat index of `outShape`, the flat index of a tensor of `inShape` broadcast to it. */
export function broadcastIndex(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  const n = sizeOf(outShape);
  const map = new Int32Array(n);
  const r = outShape.length;
  const off = r - inShape.length;
  const inStrides = stridesOf(inShape);
  const strides = outShape.map((d, i) => (i < off || inShape[i - off] === 1 ? 0 : inStrides[i - off]!));
  const idx = new Array<number>(r).fill(0);
  let src = 0;
  for (let k = 0; k < n; k++) {
    map[k] = src;
    for (let d = r - 1; d >= 0; d--) {
      idx[d]!++;
      src += strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      src -= strides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return map;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Elementwise binary kernel with broadcasting. */
export function binary(
  a: Tensor, b: Tensor, outShape: readonly number[], outDType: DType, f: (x: number, y: number) => number,
): Tensor {
  const n = sizeOf(outShape);
  const out = allocate(outDType, n);
  const x = a.data, y = b.data;
  if (sameShape(a.shape, outShape) && sameShape(b.shape, outShape)) {
    for (let i = 0; i < n; i++) out[i] = f(x[i]!, y[i]!);
  } else if (sameShape(a.shape, outShape) && b.size === 1) {
    const y0 = y[0]!;
    for (let i = 0; i < n; i++) out[i] = f(x[i]!, y0);
  } else {
    const ia = broadcastIndex(a.shape, outShape), ib = broadcastIndex(b.shape, outShape);
    for (let i = 0; i < n; i++) out[i] = f(x[ia[i]!]!, y[ib[i]!]!);
  }
  return new Tensor(outDType, outShape, out);
}

export function unary(a: Tensor, outDType: DType, f: (x: number) => number): Tensor {
  const out = allocate(outDType, a.size);
  const x = a.data;
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return new Tensor(outDType, a.shape, out);
}

/** Reduce `axes` of `a` with (acc, x) => acc, starting from `init`; output shape given (keepDims or not). */
export function reduce(
  a: Tensor, axes: readonly number[], outShape: readonly number[], init: number, f: (acc: number, x: number) => number,
): Tensor {
  const keepShape = a.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStrides = stridesOf(keepShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const out = allocate(refDType(a.dtype), sizeOf(keepShape)).fill(init);
  const r = a.rank, shape = a.shape, x = a.data;
  const idx = new Array<number>(r).fill(0);
  let dst = 0;
  for (let k = 0; k < x.length; k++) {
    out[dst] = f(out[dst]!, x[k]!);
    for (let d = r - 1; d >= 0; d--) {
      idx[d]!++;
      dst += outStrides[d]!;
      if (idx[d]! < shape[d]!) break;
      dst -= outStrides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return new Tensor(refDType(a.dtype), outShape, out);
}

/** Gather elements of `a` through an index map into a new tensor of `shape`. */
export function remap(a: Tensor, map: Int32Array, shape: readonly number[]): Tensor {
  const out: TypedArray = allocate(a.dtype, map.length);
  const x = a.data;
  for (let i = 0; i < map.length; i++) out[i] = x[map[i]!]!;
  return new Tensor(a.dtype, shape, out);
}

/** For each flat index of the transposed tensor, the flat index in the source. */
export function transposeIndex(shape: readonly number[], perm: readonly number[]): Int32Array {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  return stridedIndex(outShape, perm.map((p) => inStrides[p]!));
}

/** For each flat index of `outShape` (row-major), base + Σ index[d] · strides[d]: slices, pads, concats. */
export function stridedIndex(outShape: readonly number[], strides: readonly number[], base = 0): Int32Array {
  const n = sizeOf(outShape);
  const map = new Int32Array(n);
  const r = outShape.length;
  const idx = new Array<number>(r).fill(0);
  let src = base;
  for (let k = 0; k < n; k++) {
    map[k] = src;
    for (let d = r - 1; d >= 0; d--) {
      idx[d]!++;
      src += strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      src -= strides[d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
  return map;
}
