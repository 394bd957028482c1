// The one import table: ONNX op type (ai.onnx, opset ≤ 17) → a function that builds the node with
// core ops. Entries list the attributes they read; anything else on a node is an error naming it.
import * as op from '@repkit/core';
import { Tensor, broadcastShapes, scalar, type Dim, type Value } from '@repkit/core';
import type { Importer, NodeContext } from './context.ts';
import { Fill, Ints, knownNumbers, slotType, type Slot } from './slots.ts';
import { batchNorm, gatherAxis, gemm, layerNorm, matmulNd, oneHotAxis, rangeSlot, relayout, scatterNd, softmaxLike, split, tile } from './build.ts';
import { flattenShape, normAxes, normAxis, productDim, reshapeTarget, squeezeShape, unsqueezeShape } from './shapes.ts';
import { importDType } from './tensor-proto.ts';
import { sliceKnown, sliceValue } from './slice.ts';
import { averagePool, conv, convTranspose, maxPool } from './conv.ts';

const unary = (f: (x: Value) => Value): Importer => ({ run: (c) => f(c.value(0)) });
const binary = (f: (a: Value, b: Value) => Value): Importer => ({ run: (c) => f(c.value(0), c.value(1)) });
const variadic = (f: (a: Value, b: Value) => Value): Importer => ({ run: (c) => c.values().reduce((a, b) => f(a, b)) });
/** How many of two bools are true, as int32. */
const count = (a: Value, b: Value): Value => op.add(op.cast(a, 'int32'), op.cast(b, 'int32'));
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

/** Axes from the attribute (before opset 13, and ReduceMean/Max/Min to opset 17) or from input k. */
function axesOf(c: NodeContext, k: number): number[] | undefined {
  return c.intList('axes') ?? (c.has(k) ? c.ints(k, 'axes') : undefined);
}

function reduce(f: (x: Value, axes: readonly number[] | undefined, keep: boolean) => Value): Importer {
  return {
    attrs: ['axes', 'keepdims', 'noop_with_empty_axes'],
    run: (c) => {
      const axes = axesOf(c, 1);
      const x = c.value(0);
      if (axes?.length) return f(x, normAxes(axes, x.rank, 'axes'), c.int('keepdims', 1) === 1);
      return c.int('noop_with_empty_axes', 0) === 1 ? x : f(x, undefined, c.int('keepdims', 1) === 1);
    },
  };
}

function argReduce(f: (x: Value, axis: number, keep: boolean) => Value): Importer {
  return {
    attrs: ['axis', 'keepdims', 'select_last_index'],
    run: (c) => {
      c.expect(c.int('select_last_index', 0) === 0, 'select_last_index=1 is not supported (core picks the first index on ties)');
      const x = c.value(0);
      return f(x, normAxis(c.int('axis', 0), x.rank, 'axis'), c.int('keepdims', 1) === 1);
    },
  };
}

function castSlot(c: NodeContext): Slot {
  const to = importDType(c.int('to') ?? c.fail("attribute 'to' is required"), "attribute 'to'");
  const s = c.slot(0);
  if (s instanceof Ints && to === 'int32') return s;
  if (s instanceof Fill) return new Fill(scalar(s.value, s.dtype).cast(to).data[0]!, to, s.shape);
  const x = c.value(0);
  // Our own oneHot exports as a float OneHot then Cast: read it back as one oneHot of the target dtype.
  const p = c.producer(x);
  if (p?.op === 'oneHot' && to !== 'bool' && c.soleUse(0)) return op.oneHot(p.inputs[0]!, (p.attrs as { depth: number }).depth, to);
  // Our bool where exports as Where over int32 casts (onnxruntime has no bool Where): read back one where.
  if (p?.op === 'where' && to === 'bool' && c.soleUse(0)) {
    const branch = (v: Value): Value | undefined => {
      const q = c.producer(v);
      return q?.op === 'cast' && q.inputs[0]!.dtype === 'bool' ? q.inputs[0] : undefined;
    };
    const [a, b] = [branch(p.inputs[1]!), branch(p.inputs[2]!)];
    if (a && b) return op.where(p.inputs[0]!, a, b);
  }
  return op.cast(x, to);
}

function constantSlot(c: NodeContext): Slot {
  const t = c.tensor('value');
  if (t) return t;
  const f = c.floatList('value_floats'), i = c.intList('value_ints'), fi = c.int('value_int');
  if (f) return new Tensor('float32', [f.length], Float32Array.from(f));
  if (i) return new Ints([i.length], i);
  if (fi !== undefined) return new Ints([], [fi]);
  const v = c.float('value_float', NaN);
  if (c.node.attribute.some((a) => a.name === 'value_float')) return scalar(v, 'float32');
  return c.fail('needs one of the attributes value, value_float(s), value_int(s)');
}

function concatSlot(c: NodeContext): Slot {
  const slots = range(0, c.inputCount).map((k) => c.slot(k));
  const rank = slotType(slots[0]!).shape.length;
  const axis = normAxis(c.int('axis') ?? c.fail("attribute 'axis' is required"), rank, 'axis');
  if (slots.every((s) => s instanceof Ints && s.shape.length === 1)) return c.ints1d(slots.flatMap((s) => (s as Ints).data));
  return op.concat(c.values(), axis);
}

function expandSlot(c: NodeContext): Slot {
  const shape = broadcastShapes(c.type(0).shape, c.dims(1, 'shape'), 'Expand');
  const s = c.slot(0);
  if (s instanceof Fill) return new Fill(s.value, s.dtype, shape);
  return op.expand(c.value(0), shape);
}

function shapeSlot(c: NodeContext): Slot {
  const s = c.type(0).shape, r = s.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  return c.ints1d(s.slice(clamp(c.int('start', 0)), clamp(c.int('end', r))));
}

function dropout(c: NodeContext): Slot[] {
  if (c.has(2)) c.expect(c.scalar(2, 'training_mode') === 0, 'training_mode=true is not supported; dropout runs on the host (see ARCHITECTURE: randomness never happens inside a graph)');
  const { shape } = c.type(0);
  return [c.slot(0), new Fill(1, 'bool', shape)];
}

function padSlot(c: NodeContext): Value {
  const mode = c.string('mode', 'constant');
  c.expect(mode === 'constant', `mode '${mode}' is not supported; only 'constant'`);
  const x = c.value(0);
  const pads = c.intList('pads') ?? c.ints(1, 'pads');
  c.expect(pads.length === 2 * x.rank, `pads has ${pads.length} entries, expected ${2 * x.rank} (begin and end per dim)`);
  c.expect(pads.every((p) => p >= 0), `negative pads [${pads.join(', ')}] (cropping) are not supported`);
  const value = c.opset < 11 ? c.float('value', 0) : c.has(2) ? c.scalar(2, 'constant_value') : 0;
  return op.pad(x, range(0, x.rank).map((i) => [pads[i]!, pads[i + x.rank]!] as [number, number]), value);
}

function clipSlot(c: NodeContext): Value {
  const bound = (k: number, attr: string, open: number): number => (c.opset < 11 ? c.float(attr, open) : c.has(k) ? c.scalar(k, attr) : open);
  return op.clip(c.value(0), bound(1, 'min', -Infinity), bound(2, 'max', Infinity));
}

function topkSlot(c: NodeContext): Value[] {
  const x = c.value(0);
  const k = c.opset < 10 ? c.int('k') ?? c.fail("attribute 'k' is required") : c.scalar(1, 'K');
  const r = op.topk(x, k, { axis: c.int('axis', -1), largest: c.int('largest', 1) === 1 });
  return [r.values, r.indices];
}

function reshapeTo(c: NodeContext, shape: readonly Dim[]): Slot {
  return relayout(c, 0, shape, (x) => op.reshape(x, shape));
}

function squeezeSlot(c: NodeContext, un: boolean): Slot {
  const { shape } = c.type(0);
  const axes = axesOf(c, 1);
  if (un) return relayout(c, 0, unsqueezeShape(shape, axes ?? c.fail('axes are required'), 'axes'), (x) => op.unsqueeze(x, axes!));
  const out = squeezeShape(shape, axes, 'axes');
  const gone = axes ?? range(0, shape.length).filter((i) => shape[i] === 1);
  return relayout(c, 0, out, (x) => op.squeeze(x, normAxes(gone, x.rank, 'axes')));
}

export const IMPORTERS: Readonly<Record<string, Importer>> = {
  Abs: unary(op.abs), Neg: unary(op.neg), Exp: unary(op.exp), Log: unary(op.log), Sqrt: unary(op.sqrt),
  Sign: unary(op.sign), Relu: unary(op.relu), Sigmoid: unary(op.sigmoid), Tanh: unary(op.tanh),
  Softplus: unary(op.softplus), Erf: unary(op.erf),
  Reciprocal: unary((x) => op.div(1, x)),
  Add: binary(op.add), Sub: binary(op.sub), Mul: binary(op.mul), Div: binary(op.div), Pow: binary(op.pow),
  Greater: binary(op.greater), Less: binary(op.less), Equal: binary(op.equal),
  Not: unary((x) => op.equal(x, x.builder.literal(0, 'bool'))),
  // Exact compositions (no rounding); bools are counted as int32, since wasm's where cannot select bools.
  And: binary((a, b) => op.greater(count(a, b), 1)),
  Or: binary((a, b) => op.greater(count(a, b), 0)),
  Xor: binary((a, b) => op.equal(op.equal(a, b), a.builder.literal(0, 'bool'))),
  GreaterOrEqual: binary((a, b) => op.greater(count(op.greater(a, b), op.equal(a, b)), 0)),
  LessOrEqual: binary((a, b) => op.greater(count(op.less(a, b), op.equal(a, b)), 0)),
  LeakyRelu: { attrs: ['alpha'], run: (c) => { const x = c.value(0); return op.where(op.less(x, 0), op.mul(x, c.float('alpha', 0.01)), x); } },
  PRelu: binary((x, slope) => op.where(op.less(x, 0), op.mul(x, slope), x)),
  Max: variadic(op.maximum), Min: variadic(op.minimum), Sum: variadic(op.add),
  Where: { run: (c) => op.where(c.value(0), c.value(1), c.value(2)) },
  Clip: { attrs: ['min', 'max'], run: clipSlot },
  Cast: { attrs: ['to'], run: castSlot },
  Identity: { run: (c) => c.slot(0) },
  Dropout: { attrs: ['seed', 'ratio'], run: dropout },
  Constant: { attrs: ['value', 'value_float', 'value_floats', 'value_int', 'value_ints'], run: constantSlot },
  ConstantOfShape: {
    attrs: ['value'],
    run: (c) => {
      const v = c.tensor('value');
      const n = v ? knownNumbers(v) : [0];
      c.expect(n?.length === 1, "attribute 'value' must hold one element");
      return new Fill(n![0]!, v ? slotType(v).dtype : 'float32', c.dims(0, 'shape'));
    },
  },
  Shape: { attrs: ['start', 'end'], run: shapeSlot },
  Size: { run: (c) => new Ints([], [productDim(c.type(0).shape, 'Size')]) },
  Reshape: { attrs: ['allowzero'], run: (c) => reshapeTo(c, reshapeTarget(c.type(0).shape, c.dims(1, 'shape'), c.int('allowzero', 0) === 1, 'shape')) },
  Flatten: { attrs: ['axis'], run: (c) => reshapeTo(c, flattenShape(c.type(0).shape, c.int('axis', 1), 'axis')) },
  Squeeze: { attrs: ['axes'], run: (c) => squeezeSlot(c, false) },
  Unsqueeze: { attrs: ['axes'], run: (c) => squeezeSlot(c, true) },
  Transpose: { attrs: ['perm'], run: (c) => op.transpose(c.value(0), c.intList('perm')) },
  Expand: { run: expandSlot },
  Concat: { attrs: ['axis'], run: concatSlot },
  Split: { attrs: ['axis', 'split'], run: split },
  Tile: { run: tile },
  Range: { run: rangeSlot },
  Slice: { attrs: ['starts', 'ends', 'axes'], run: (c) => sliceKnown(c) ?? sliceValue(c) },
  Pad: { attrs: ['mode', 'pads', 'value'], run: padSlot },
  Gather: { attrs: ['axis'], run: (c) => gatherAxis(c, c.int('axis', 0)) },
  ScatterND: { attrs: ['reduction'], run: scatterNd },
  OneHot: { attrs: ['axis'], run: oneHotAxis },
  MatMul: binary(matmulNd),
  Gemm: { attrs: ['alpha', 'beta', 'transA', 'transB'], run: gemm },
  ReduceSum: reduce(op.sum), ReduceMean: reduce(op.mean), ReduceMax: reduce(op.max), ReduceMin: reduce(op.min),
  ReduceLogSumExp: reduce(op.logsumexp),
  ArgMax: argReduce(op.argmax), ArgMin: argReduce(op.argmin),
  TopK: { attrs: ['axis', 'largest', 'sorted', 'k'], run: topkSlot },
  Softmax: { attrs: ['axis'], run: (c) => softmaxLike(c, op.softmax) },
  LogSoftmax: { attrs: ['axis'], run: (c) => softmaxLike(c, op.logSoftmax) },
  BatchNormalization: { attrs: ['epsilon', 'momentum', 'training_mode', 'spatial'], run: batchNorm },
  LayerNormalization: { attrs: ['axis', 'epsilon', 'stash_type'], run: layerNorm },
  Conv: conv, ConvTranspose: convTranspose, MaxPool: maxPool, AveragePool: averagePool,
  GlobalAveragePool: { run: (c) => op.mean(c.value(0), range(2, c.type(0).shape.length), true) },
  GlobalMaxPool: { run: (c) => op.max(c.value(0), range(2, c.type(0).shape.length), true) },
};
