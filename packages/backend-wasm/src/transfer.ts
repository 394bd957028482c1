// Moving tensors between core's host Tensors and tfjs: dtype mapping, upload, download.
import * as tf from '@tensorflow/tfjs-core';
import { Tensor, type DType } from '@repkit/core';

export type TfDType = 'float32' | 'int32' | 'bool';

/** The tfjs dtype a core dtype runs as: tfjs has no float64, so it computes in float32. */
export function tfDType(dtype: DType): TfDType {
  return dtype === 'float64' ? 'float32' : dtype;
}

/** A tfjs tensor holding `t` (float64 data is rounded to float32). */
export function upload(t: Tensor): tf.Tensor {
  const data = t.dtype === 'float64' ? Float32Array.from(t.data) : t.data;
  return tf.tensor(data, [...t.shape], tfDType(t.dtype));
}

/** A host Tensor of the declared dtype from a tfjs tensor (float32 results are widened for float64). */
export function download(x: tf.Tensor, dtype: DType): Tensor {
  const data = x.dataSync();
  const shape = x.shape;
  switch (dtype) {
    case 'float64': return new Tensor('float64', shape, Float64Array.from(data as Float32Array));
    case 'float32': return new Tensor('float32', shape, data as Float32Array);
    case 'int32': return new Tensor('int32', shape, data as Int32Array);
    case 'bool': return new Tensor('bool', shape, data as Uint8Array);
  }
}
