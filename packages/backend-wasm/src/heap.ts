// Tensors made straight on the wasm heap: views sharing data, and slices as copies within the heap
// (tfjs-backend-wasm 4.22's Slice copies its whole input out of the heap first, with readSync).
import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's BackendWasm and its Emscripten module used here (it exports no type for them). */
export interface WasmHeapBackend {
  readonly wasm: {
    readonly HEAPU8: Uint8Array;
    readonly asm?: { memory?: WebAssembly.Memory };
    readonly wasmMemory?: WebAssembly.Memory; // the threaded build imports its memory and keeps it here
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  getMemoryOffset(dataId: object): number;
}

export const backend = (): WasmHeapBackend => tf.engine().backend as unknown as WasmHeapBackend;

/**
 * `x` with another shape of the same size, sharing its data: what the wasm Reshape kernel does (one
 * more reference on the data), without the ~1.5 µs of a kernel dispatch.
 */
export function view(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  if (size !== x.size) throw new Error(`reshape of ${x.size} values [${x.shape.join(', ')}] to [${shape.join(', ')}]`);
  const engine = tf.engine();
  (engine.backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
  return engine.makeTensorFromTensorInfo({ dataId: x.dataId, shape: [...shape], dtype: x.dtype });
}

/**
 * A new tensor of `shape` whose values `fill` writes into its heap array (allocated before any view is
 * taken); the array is freed if `fill` throws.
 */
export function output(shape: readonly number[], dtype: tf.DataType, fill: (be: WasmHeapBackend, out: tf.TensorInfo) => void): tf.Tensor {
  const be = backend();
  const out = be.makeOutput([...shape], dtype);
  try {
    fill(be, out);
  } catch (e) {
    be.disposeData(out.dataId);
    throw e;
  }
  return tf.engine().makeTensorFromTensorInfo(out);
}

/**
 * x[begin : begin + size] with unit steps, as copies of the contiguous runs (the trailing full-extent axes
 * and the last partial one) within the heap: one copy for a slice along the leading axis.
 */
export function sliceUnit(x: tf.Tensor, begin: readonly number[], size: readonly number[]): tf.Tensor {
  const r = x.rank;
  let q = r;
  while (q > 0 && begin[q - 1] === 0 && size[q - 1] === x.shape[q - 1]) q--;
  const strides = new Array<number>(r);
  for (let d = r - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= x.shape[d]!;
  }
  // Elements per run: the partial axis q − 1 with everything inside it (the whole tensor if q = 0).
  const run = q === 0 ? x.size : size[q - 1]! * strides[q - 1]!;
  const bytes = x.dtype === 'bool' ? 1 : 4;
  return output(size, x.dtype, (be, out) => {
    const heap = be.wasm.HEAPU8;
    const src = be.getMemoryOffset(x.dataId), dst = be.getMemoryOffset(out.dataId);
    const outer = q <= 1 ? 1 : size.slice(0, q - 1).reduce((p, n) => p * n, 1);
    const idx = new Array<number>(Math.max(q - 1, 0)).fill(0);
    for (let k = 0; k < outer; k++) {
      let off = q === 0 ? 0 : begin[q - 1]! * strides[q - 1]!;
      for (let d = 0; d < q - 1; d++) off += (begin[d]! + idx[d]!) * strides[d]!;
      heap.copyWithin(dst + k * run * bytes, src + off * bytes, src + (off + run) * bytes);
      for (let d = q - 2; d >= 0 && ++idx[d]! === size[d]!; d--) idx[d] = 0;
    }
  });
}

/**
 * Rows of `x` along axis 0 at `indices` (any shape), one copy per row within the heap: tfjs-backend-wasm
 * 4.22's GatherV2 walks every element with index arithmetic, 14 ms for 4096 rows of 100 floats. The
 * caller checks the indices.
 */
export function gatherRows(x: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  const rowShape = x.shape.slice(1);
  const bytes = (x.dtype === 'bool' ? 1 : 4) * rowShape.reduce((p, n) => p * n, 1);
  return output([...indices.shape, ...rowShape], x.dtype, (b, out) => {
    // Views are taken after the output is allocated: an allocation that grows the heap detaches older ones.
    const heap = b.wasm.HEAPU8, ids = b.typedArrayFromHeap(indices) as Int32Array;
    const src = b.getMemoryOffset(x.dataId), dst = b.getMemoryOffset(out.dataId);
    for (let i = 0; i < ids.length; i++) heap.copyWithin(dst + i * bytes, src + ids[i]! * bytes, src + (ids[i]! + 1) * bytes);
  });
}
