// Hand-written ONNX models for import tests: the forms other exporters write (int64, opset-dependent
// attributes, Constant nodes), built as protobuf-es messages.
import { create, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, NodeProtoSchema, TensorProtoSchema, ValueInfoProtoSchema, type TensorProto, type ValueInfoProto } from 'onnx-buf';
import { Tensor, type OnnxAttr } from '@repkit/core';
import { attributeProto, tensorProto } from '../protos.ts';

/** Element type: a core dtype, or 'int64'. */
export type ElemType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'float16';
const CODES: Record<ElemType, number> = { float32: 1, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11 };

export interface TestModel {
  opset?: number;
  /** name, element type, dims (a string is a dim_param, null an unnamed dynamic dim). */
  inputs: [string, ElemType, (number | string | null)[]][];
  outputs: (string | [string, ElemType, (number | string | null)[]])[];
  initializers?: [string, Tensor | bigint[] | { int64: bigint[]; dims: number[] }][];
  /** opType, inputs, outputs, attributes (and a domain). */
  nodes: [string, string[], string[], Record<string, OnnxAttr>?, string?][];
}

function info(name: string, elem: ElemType, dims: (number | string | null)[]): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: CODES[elem],
          shape: {
            dim: dims.map((d) => ({
              value: d === null ? { case: undefined } : typeof d === 'number' ? { case: 'dimValue' as const, value: BigInt(d) } : { case: 'dimParam' as const, value: d },
            })),
          },
        },
      },
    },
  });
}

/** An int64 tensor (shape [n], or `dims`) as exporters write shapes and axes. */
export function int64Tensor(name: string, values: bigint[], dims = [values.length]): TensorProto {
  return create(TensorProtoSchema, { name, dataType: 7, dims: dims.map(BigInt), int64Data: values });
}

export function testModel(m: TestModel): Uint8Array {
  return toBinary(ModelProtoSchema, create(ModelProtoSchema, {
    irVersion: 8n,
    producerName: 'test',
    opsetImport: [{ domain: '', version: BigInt(m.opset ?? 17) }],
    graph: {
      name: 'test',
      input: m.inputs.map(([n, e, d]) => info(n, e, d)),
      output: m.outputs.map((o) => (typeof o === 'string' ? create(ValueInfoProtoSchema, { name: o }) : info(...o))),
      initializer: (m.initializers ?? []).map(([n, t]) => (t instanceof Tensor ? tensorProto(n, t) : Array.isArray(t) ? int64Tensor(n, t) : int64Tensor(n, t.int64, t.dims))),
      node: m.nodes.map(([opType, input, output, attrs = {}, domain = ''], k) => create(NodeProtoSchema, {
        name: `node${k}`, opType, input, output, domain,
        attribute: Object.entries(attrs).map(([a, v]) => attributeProto(a, v)),
      })),
    },
  }));
}

export const f32 = (shape: number[], values: number[]): Tensor => new Tensor('float32', shape, Float32Array.from(values));
export const i32 = (shape: number[], values: number[]): Tensor => new Tensor('int32', shape, Int32Array.from(values));
