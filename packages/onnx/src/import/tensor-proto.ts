// TensorProto → core Tensor: every storage field ONNX allows (raw_data and the typed fields), int64 narrowed to int32.
import { TensorProto_DataLocation as DataLocation, type TensorProto } from 'onnx-buf';
import { Tensor, sizeOf, type DType } from '@repkit/core';

/** ONNX TensorProto.DataType codes by name, for messages. */
export const ONNX_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'undefined', 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
};

const IMPORTED: Readonly<Record<number, DType>> = { 1: 'float32', 6: 'int32', 7: 'int32', 9: 'bool', 11: 'float64' };

export const onnxTypeName = (code: number): string => ONNX_TYPE_NAMES[code] ?? `type ${code}`;

/** The core dtype of an ONNX element type (int64 → int32), or a clear error naming `what`. */
export function importDType(code: number, what: string): DType {
  const d = IMPORTED[code];
  if (!d) throw new Error(`${what} has element type ${onnxTypeName(code)}; supported: float32, float64, int32, int64 (read as int32), bool`);
  return d;
}

const INT32_MIN = -2147483648, INT32_MAX = 2147483647;

/** The exact integers of an int32 / int64 / bool TensorProto; int64 values beyond 2^53 round (only sentinels like INT64_MAX get there). */
export function intsFromProto(p: TensorProto, what: string): number[] {
  checkStorage(p, what);
  const n = countOf(p, what);
  let out: number[];
  if (p.dataType === 7) {
    out = p.rawData.length ? Array.from(new BigInt64Array(aligned(p.rawData, n, 8, what).buffer), Number) : p.int64Data.map(Number);
  } else if (p.dataType === 6) {
    out = p.rawData.length ? Array.from(new Int32Array(aligned(p.rawData, n, 4, what).buffer)) : [...p.int32Data];
  } else if (p.dataType === 9) {
    out = p.rawData.length ? Array.from(aligned(p.rawData, n, 1, what)) : [...p.int32Data];
  } else {
    throw new Error(`${what}: expected an integer tensor, got ${onnxTypeName(p.dataType)}`);
  }
  if (out.length !== n) throw new Error(`${what}: holds ${out.length} values, but its dims [${p.dims.join(', ')}] need ${n}`);
  return out;
}

/** Narrow integers to int32, naming the first value out of range. */
export function toInt32(values: readonly number[], what: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) {
      throw new Error(`${what}: element ${i} = ${v} does not fit int32 (core's index type); int64 values must lie in [${INT32_MIN}, ${INT32_MAX}]`);
    }
    out[i] = v;
  }
  return out;
}

/** A TensorProto as a core Tensor (int64 narrowed to int32, an error naming `what` when a value does not fit). */
export function tensorFromProto(p: TensorProto, what: string): Tensor {
  const dtype = importDType(p.dataType, what);
  const shape = p.dims.map(Number);
  const n = countOf(p, what);
  if (p.dataType === 7 || p.dataType === 6) return new Tensor('int32', shape, toInt32(intsFromProto(p, what), what));
  if (p.dataType === 9) return new Tensor('bool', shape, Uint8Array.from(intsFromProto(p, what), (v) => (v ? 1 : 0)));
  checkStorage(p, what);
  const data = p.dataType === 1
    ? (p.rawData.length ? new Float32Array(aligned(p.rawData, n, 4, what).buffer) : Float32Array.from(p.floatData))
    : (p.rawData.length ? new Float64Array(aligned(p.rawData, n, 8, what).buffer) : Float64Array.from(p.doubleData));
  if (data.length !== n) throw new Error(`${what}: holds ${data.length} values, but its dims [${shape.join(', ')}] need ${n}`);
  return new Tensor(dtype, shape, data);
}

function countOf(p: TensorProto, what: string): number {
  const shape = p.dims.map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new Error(`${what}: dims [${p.dims.join(', ')}] must be non-negative integers`);
  return sizeOf(shape);
}

function checkStorage(p: TensorProto, what: string): void {
  if (p.dataLocation === DataLocation.EXTERNAL || p.externalData.length) {
    throw new Error(`${what}: its data is stored in an external file; save the model with all tensors inside it (onnx.save(model, path, save_as_external_data=False))`);
  }
  if (p.segment) throw new Error(`${what}: segmented tensors are not supported`);
}

/** raw_data (little-endian by the spec) copied to a fresh, aligned buffer of exactly n elements. */
function aligned(raw: Uint8Array, n: number, width: number, what: string): Uint8Array {
  if (raw.length !== n * width) throw new Error(`${what}: raw_data has ${raw.length} bytes, expected ${n * width} (${n} values × ${width} bytes)`);
  if (!LITTLE_ENDIAN) throw new Error(`${what}: this host is big-endian; ONNX raw_data is little-endian`);
  // A copy into a fresh buffer: raw may be a view into a Node Buffer's pool, where Buffer#slice shares memory.
  return new Uint8Array(raw);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
