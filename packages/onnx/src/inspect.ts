// A readable summary of ONNX bytes (decoded with protobuf-es): for tests, logs and `repkit export`.
import { fromBinary } from '@bufbuild/protobuf';
import { AttributeProto_AttributeType as AttrType, ModelProtoSchema, type AttributeProto, type ValueInfoProto } from 'onnx-buf';
import { ONNX_DTYPE, ONNX_INT64, type Dim } from '@repkit/core';

const DTYPE_NAMES = new Map<number, string>([...Object.entries(ONNX_DTYPE).map(([k, v]) => [v, k] as const), [ONNX_INT64, 'int64']]);

export interface ValueSummary {
  name: string;
  /** 'float32', 'int32', 'bool', 'float64', 'int64', or 'onnx:<code>' for others. */
  dtype: string;
  shape: Dim[];
}

export interface NodeSummary {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, number | string | number[] | 'tensor'>;
}

export interface ModelSummary {
  irVersion: number;
  opset: number;
  producer: string;
  graphName: string;
  /** metadata_props as a record. */
  metadata: Record<string, string>;
  inputs: ValueSummary[];
  outputs: ValueSummary[];
  initializers: ValueSummary[];
  nodes: NodeSummary[];
}

const dtypeName = (code: number): string => DTYPE_NAMES.get(code) ?? `onnx:${code}`;

function valueSummary(v: ValueInfoProto): ValueSummary {
  const t = v.type?.value.case === 'tensorType' ? v.type.value.value : undefined;
  const shape = (t?.shape?.dim ?? []).map((d): Dim => (d.value.case === 'dimValue' ? Number(d.value.value) : d.value.value ?? '?'));
  return { name: v.name, dtype: dtypeName(t?.elemType ?? 0), shape };
}

function attrValue(a: AttributeProto): NodeSummary['attrs'][string] {
  switch (a.type) {
    case AttrType.INT: return Number(a.i);
    case AttrType.FLOAT: return a.f;
    case AttrType.INTS: return a.ints.map(Number);
    case AttrType.FLOATS: return [...a.floats];
    case AttrType.STRING: return new TextDecoder().decode(a.s);
    default: return 'tensor';
  }
}

/** Decode a model and list its opset, inputs, outputs, initializers and nodes. */
export function inspectModel(bytes: Uint8Array): ModelSummary {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new Error('inspectModel: bytes must be a non-empty Uint8Array (an .onnx file)');
  let m;
  try {
    m = fromBinary(ModelProtoSchema, bytes);
  } catch (e) {
    throw new Error(`inspectModel: not an ONNX model (protobuf decoding failed: ${(e as Error).message})`, { cause: e });
  }
  const g = m.graph;
  if (!g) throw new Error('inspectModel: the model has no graph; is this an ONNX ModelProto?');
  return {
    irVersion: Number(m.irVersion),
    opset: Number(m.opsetImport.find((o) => o.domain === '')?.version ?? 0),
    producer: m.producerName,
    graphName: g.name,
    metadata: Object.fromEntries(m.metadataProps.map((p) => [p.key, p.value])),
    inputs: g.input.map(valueSummary),
    outputs: g.output.map(valueSummary),
    initializers: g.initializer.map((t) => ({ name: t.name, dtype: dtypeName(t.dataType), shape: t.dims.map(Number) })),
    nodes: g.node.map((n) => ({
      name: n.name, opType: n.opType, inputs: [...n.input], outputs: [...n.output],
      attrs: Object.fromEntries(n.attribute.map((a) => [a.name, attrValue(a)])),
    })),
  };
}
