// Core tensors ↔ onnxruntime tensors: floats are converted to the width the graph declares.
import ort from 'onnxruntime-node';
import { Tensor, type DType } from '@repkit/core';

/** A feed as an ort.Tensor of the input's declared dtype (bindFeeds has checked the rest). */
export function toOrt(t: Tensor, want: DType): ort.Tensor {
  const dims = [...t.shape];
  switch (want) {
    case 'float32': return new ort.Tensor('float32', t.data instanceof Float32Array ? t.data : Float32Array.from(t.data), dims);
    case 'float64': return new ort.Tensor('float64', t.data instanceof Float64Array ? t.data : Float64Array.from(t.data), dims);
    case 'int32': return new ort.Tensor('int32', t.data as Int32Array, dims);
    case 'bool': return new ort.Tensor('bool', t.data as Uint8Array, dims);
  }
}

/** An output as a core Tensor of its declared dtype. */
export function fromOrt(v: ort.OnnxValue | undefined, want: DType, name: string): Tensor {
  if (!(v instanceof ort.Tensor)) throw new Error(`onnxruntime: output '${name}' is missing or not a tensor`);
  const shape = v.dims.map(Number);
  const data = v.data;
  switch (want) {
    case 'float32': return new Tensor('float32', shape, data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>));
    case 'float64': return new Tensor('float64', shape, data instanceof Float64Array ? data : Float64Array.from(data as ArrayLike<number>));
    case 'int32': return new Tensor('int32', shape, data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>));
    case 'bool': return new Tensor('bool', shape, data instanceof Uint8Array ? data : Uint8Array.from(data as ArrayLike<number>));
  }
}
