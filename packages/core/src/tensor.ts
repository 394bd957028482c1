// Host tensors: a typed array with a shape and a dtype, checked at construction.
// Images are NCHW; int32 is the index type (widened to int64 only inside ONNX lowerings).

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type ArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : Uint8Array;

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
    case 'bool': return new Uint8Array(size);
  }
}

function arrayMatches(dtype: DType, data: TypedArray): boolean {
  switch (dtype) {
    case 'float32': return data instanceof Float32Array;
    case 'float64': return data instanceof Float64Array;
    case 'int32': return data instanceof Int32Array;
    case 'bool': return data instanceof Uint8Array;
  }
}

export class Tensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: TypedArray;

  constructor(dtype: DType, shape: readonly number[], data?: TypedArray) {
    if (!DTYPES.includes(dtype)) {
      throw new Error(`Tensor: dtype '${String(dtype)}' is not one of ${DTYPES.join(', ')}`);
    }
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) {
        throw new Error(`Tensor: shape [${shape.join(', ')}] must hold non-negative integers`);
      }
    }
    const size = sizeOf(shape);
    if (data === undefined) data = allocate(dtype, size);
    if (!arrayMatches(dtype, data)) {
      throw new Error(`Tensor: data is a ${data.constructor.name}, but dtype '${dtype}' needs ${allocate(dtype, 0).constructor.name}`);
    }
    if (data.length !== size) {
      throw new Error(`Tensor: data has ${data.length} elements, but shape [${shape.join(', ')}] needs ${size}`);
    }
    this.dtype = dtype;
    this.shape = [...shape];
    this.data = data;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The data as plain numbers (bools as 0/1). */
  toArray(): number[] {
    return Array.from(this.data as ArrayLike<number>);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`Tensor.item: tensor has ${this.size} elements, not 1`);
    return this.data[0]!;
  }

  /** A copy in another dtype (floats truncate toward zero into int32; bool is x != 0). */
  cast(dtype: DType): Tensor {
    const out = allocate(dtype, this.size);
    const src = this.data;
    if (dtype === 'int32') for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]!);
    else if (dtype === 'bool') for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
    else out.set(src);
    return new Tensor(dtype, this.shape, out);
  }
}

/** Build a tensor from nested or flat numbers. */
export function tensor(values: number[] | TypedArray, shape?: readonly number[], dtype: DType = 'float32'): Tensor {
  const s = shape ?? [values.length];
  const data = allocate(dtype, values.length);
  data.set(values as ArrayLike<number>);
  return new Tensor(dtype, s, data);
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return tensor([value], [], dtype);
}

export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return new Tensor(dtype, shape);
}

export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  const t = new Tensor(dtype, shape);
  t.data.fill(value);
  return t;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}
