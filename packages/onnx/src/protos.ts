// Core tensors, types and attributes as ONNX protos (messages built with protobuf-es, never by hand).
import { create } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema, AttributeProto_AttributeType as AttrType, TensorProtoSchema, ValueInfoProtoSchema,
  type AttributeProto, type TensorProto, type ValueInfoProto,
} from 'onnx-buf';
import { ONNX_DTYPE, ONNX_INT64, type Dim, type DType, type OnnxAttr, type Tensor } from '@repkit/core';

// raw_data is little-endian by the ONNX spec; typed arrays use the host's order.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function int64(x: number, what: string): bigint {
  if (!Number.isSafeInteger(x)) throw new Error(`${what}: ${x} is not an integer; ONNX int64 fields need integers`);
  return BigInt(x);
}

/** A tensor as an initializer: dims, dtype code and its bytes as raw_data. */
export function tensorProto(name: string, t: Tensor): TensorProto {
  if (!LITTLE_ENDIAN) throw new Error('onnx export: this host is big-endian; ONNX raw_data must be little-endian');
  const bytes = new Uint8Array(t.data.byteLength);
  bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return create(TensorProtoSchema, {
    name,
    dataType: ONNX_DTYPE[t.dtype],
    dims: t.shape.map((d) => BigInt(d)),
    rawData: bytes,
  });
}

/** A 1-D int64 initializer (axes, shapes, indices). */
export function int64Proto(name: string, values: readonly number[]): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dataType: ONNX_INT64,
    dims: [BigInt(values.length)],
    int64Data: values.map((v) => int64(v, `int64 constant '${name}'`)),
  });
}

/** A graph input or output: tensor type with static dims as dim_value and symbolic ones as dim_param. */
export function valueInfo(name: string, dtype: DType, shape: readonly Dim[]): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: ONNX_DTYPE[dtype],
          shape: {
            dim: shape.map((d) => ({
              value: typeof d === 'number' ? { case: 'dimValue' as const, value: BigInt(d) } : { case: 'dimParam' as const, value: d },
            })),
          },
        },
      },
    },
  });
}

/** A lowering's typed attribute as an AttributeProto. */
export function attributeProto(name: string, a: OnnxAttr): AttributeProto {
  const what = `attribute '${name}'`;
  if ('i' in a) return create(AttributeProtoSchema, { name, type: AttrType.INT, i: int64(a.i, what) });
  if ('f' in a) return create(AttributeProtoSchema, { name, type: AttrType.FLOAT, f: a.f });
  if ('ints' in a) return create(AttributeProtoSchema, { name, type: AttrType.INTS, ints: a.ints.map((x) => int64(x, what)) });
  if ('floats' in a) return create(AttributeProtoSchema, { name, type: AttrType.FLOATS, floats: [...a.floats] });
  if ('s' in a) return create(AttributeProtoSchema, { name, type: AttrType.STRING, s: new TextEncoder().encode(a.s) });
  if ('t' in a) return create(AttributeProtoSchema, { name, type: AttrType.TENSOR, t: tensorProto('', a.t) });
  throw new Error(`${what}: unknown kind ${JSON.stringify(a)}; use one of i, f, ints, floats, s, t`);
}
