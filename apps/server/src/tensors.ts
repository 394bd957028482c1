// KServe v2 JSON tensors ⇄ core Tensors: datatypes, shapes (-1 = dynamic) and element checks that
// fail with a 400 naming the input and the fix.
import { Tensor, allocate, sizeOf, type DType, type Dim, type TypedArray } from '@repkit/core';

/** An error carrying its HTTP status; the server's error handler answers { error: message }. */
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

/** ONNX element type (inspectModel's names) → KServe datatype. */
const DATATYPES: Record<string, string> = { float32: 'FP32', float64: 'FP64', int32: 'INT32', int64: 'INT64', bool: 'BOOL' };

/** One model input or output as the protocol describes it, and the dtype the imported graph uses. */
export interface IoSpec {
  name: string;
  /** KServe datatype of the ONNX file: FP32, FP64, INT32, INT64 or BOOL. */
  datatype: string;
  /** Dims as in the ONNX file; a string is a dynamic (symbolic) dim. */
  dims: Dim[];
  /** The core dtype the graph feeds or returns (int64 inputs are imported as int32). */
  dtype: DType;
}

export interface JsonTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: unknown[];
}

export function ioSpec(name: string, onnxDtype: string, dims: Dim[], dtype: DType, what: string): IoSpec {
  const datatype = DATATYPES[onnxDtype];
  if (!datatype) throw new Error(`${what} '${name}' has ONNX type ${onnxDtype}; this server carries ${Object.keys(DATATYPES).join(', ')} only`);
  return { name, datatype, dims, dtype };
}

/** Shape for the protocol: -1 for a dynamic dim. */
export const protocolShape = (dims: readonly Dim[]): number[] => dims.map((d) => (typeof d === 'number' ? d : -1));

/** Nested row-major arrays, as KServe allows, flattened. */
function flatten(data: unknown[]): unknown[] {
  return data.some(Array.isArray) ? (data.flat(Infinity) as unknown[]) : data;
}

const INT32_MIN = -2147483648, INT32_MAX = 2147483647;

function element(spec: IoSpec, v: unknown, k: number): number {
  const bad = (want: string): never => {
    throw new HttpError(400, `input '${spec.name}': element ${k} is ${JSON.stringify(v)}, not ${want}; datatype is ${spec.datatype}`);
  };
  switch (spec.datatype) {
    case 'BOOL':
      return typeof v === 'boolean' ? Number(v) : bad('true or false');
    case 'INT32':
    case 'INT64': {
      if (typeof v !== 'number' || !Number.isInteger(v)) return bad('an integer');
      // int64 inputs are imported as int32, so both must fit int32.
      return v < INT32_MIN || v > INT32_MAX ? bad(`an integer in [${INT32_MIN}, ${INT32_MAX}]`) : v;
    }
    default:
      return typeof v === 'number' ? v : bad('a number');
  }
}

/**
 * Check a request tensor against its spec and the dynamic dims bound so far (shared symbols such as a
 * batch dim 'q' must agree across inputs), and build the feed.
 */
export function decodeInput(spec: IoSpec, t: JsonTensor, bound: Map<string, { size: number; by: string }>): Tensor {
  const want = `${spec.datatype}[${protocolShape(spec.dims).join(', ')}]`;
  if (t.datatype !== spec.datatype) {
    throw new HttpError(400, `input '${spec.name}': datatype ${t.datatype}, expected ${spec.datatype} (input is ${want})`);
  }
  if (t.shape.length !== spec.dims.length) {
    throw new HttpError(400, `input '${spec.name}': shape [${t.shape.join(', ')}] has rank ${t.shape.length}, expected rank ${spec.dims.length} (input is ${want})`);
  }
  spec.dims.forEach((d, k) => {
    const got = t.shape[k]!;
    if (got < 1) throw new HttpError(400, `input '${spec.name}': dim ${k} is ${got}; send at least one element per dim`);
    if (typeof d === 'number') {
      if (d !== got) throw new HttpError(400, `input '${spec.name}': dim ${k} is ${got}, expected ${d} (input is ${want})`);
      return;
    }
    const b = bound.get(d);
    if (b && b.size !== got) {
      throw new HttpError(400, `input '${spec.name}': dim ${k} ('${d}') is ${got}, but input '${b.by}' set '${d}' to ${b.size}; inputs sharing '${d}' must agree`);
    }
    bound.set(d, { size: got, by: spec.name });
  });
  const flat = flatten(t.data);
  const size = sizeOf(t.shape);
  if (flat.length !== size) {
    throw new HttpError(400, `input '${spec.name}': data has ${flat.length} elements, but shape [${t.shape.join(', ')}] needs ${size}`);
  }
  const out = allocate(spec.dtype, size);
  for (let k = 0; k < size; k++) out[k] = element(spec, flat[k], k);
  return new Tensor(spec.dtype, t.shape, out);
}

/** A result tensor as protocol JSON (flat row-major data; bools as true/false). */
export function encodeOutput(spec: IoSpec, t: Tensor): { name: string; datatype: string; shape: number[]; data: number[] | boolean[] } {
  const data = spec.datatype === 'BOOL' ? Array.from(t.data as Uint8Array, (x) => x !== 0) : Array.from(t.data as TypedArray);
  return { name: spec.name, datatype: spec.datatype, shape: [...t.shape], data };
}
