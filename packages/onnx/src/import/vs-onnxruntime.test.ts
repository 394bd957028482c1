// Every import-table entry against the ground truth: onnxruntime running the very same hand-written
// file, compared with the imported graph on the float64 reference (ints and bools must be equal).
import { describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import '@repkit/backend-wasm';
import { Philox, Tensor, getBackend, interpret, type Results } from '@repkit/core';
import { importOnnx } from './import.ts';
import { IMPORTERS } from './table.ts';
import { f32, testModel, type ElemType, type TestModel } from './testing.ts';

type Gen = (r: Philox, n: number) => number[];
const u: Gen = (r, n) => Array.from(r.uniforms(n, -2, 2));
const pos: Gen = (r, n) => Array.from(r.uniforms(n, 0.2, 2));
const away: Gen = (r, n) => Array.from(r.uniforms(n, 0.2, 2), (v, i) => (i % 2 ? -v : v));
const int = (k: number): Gen => (r, n) => Array.from(r.integers(n, 0, k));
const bits: Gen = (r, n) => Array.from(r.integers(n, 0, 2));

interface OpCase extends Omit<TestModel, 'inputs'> {
  name: string;
  inputs: [string, ElemType, number[], Gen?][];
}

const x = (dims: number[], g: Gen = u): [string, ElemType, number[], Gen] => ['x', 'float32', dims, g];
const node = (op: string, attrs: TestModel['nodes'][number][3] = {}, extra: string[] = []): TestModel['nodes'][number] => [op, ['x', ...extra], ['y'], attrs];
const one = (name: string, op: string, dims: number[], g: Gen = u, attrs = {}, opset?: number): OpCase =>
  ({ name, opset, inputs: [x(dims, g)], outputs: ['y'], nodes: [node(op, attrs)] });
const two = (op: string, a: number[], b: number[], g: Gen = u, elem: ElemType = 'float32'): OpCase =>
  ({ name: `${op} [${a}]·[${b}]`, inputs: [['a', elem, a, g], ['b', elem, b, g]], outputs: ['y'], nodes: [[op, ['a', 'b'], ['y']]] });
const ints = (values: number[]): bigint[] => values.map(BigInt);

const CASES: OpCase[] = [
  ...['Abs', 'Neg', 'Exp', 'Sign', 'Relu', 'Sigmoid', 'Tanh', 'Softplus', 'Erf', 'Identity'].map((op) => one(op, op, [3, 4])),
  one('Log', 'Log', [3, 4], pos), one('Sqrt', 'Sqrt', [3, 4], pos), one('Reciprocal', 'Reciprocal', [3, 4], away),
  { name: 'Not', inputs: [['x', 'bool', [5], bits]], outputs: ['y'], nodes: [node('Not')] },
  ...['Add', 'Sub', 'Mul'].map((op) => two(op, [2, 3, 4], [3, 1])), two('Div', [3, 4], [4], away), two('Pow', [3, 4], [4], pos),
  two('Greater', [3, 4], [4]), two('Less', [3, 4], [3, 1]), two('Equal', [12], [12], int(3), 'int64'),
  { name: 'Max/Min/Sum of three', inputs: [x([3, 4]), ['b', 'float32', [4]], ['c', 'float32', [3, 1]]],
    outputs: ['y', 'z', 's'],
    nodes: [['Max', ['x', 'b', 'c'], ['y']], ['Min', ['x', 'b', 'c'], ['z']], ['Sum', ['x', 'b', 'c'], ['s']]] },
  { name: 'Where', inputs: [['c', 'bool', [3, 1], bits], x([3, 4]), ['b', 'float32', [4]]], outputs: ['y'], nodes: [['Where', ['c', 'x', 'b'], ['y']]] },
  { name: 'Clip opset 11, inputs', opset: 11, inputs: [x([3, 4])],
    initializers: [['lo', f32([], [-0.5])], ['hi', f32([], [0.7])]],
    outputs: ['y', 'z'],
    nodes: [['Clip', ['x', 'lo', 'hi'], ['y']], ['Clip', ['x', '', 'hi'], ['z']]] },
  one('Clip opset 7, attributes', 'Clip', [3, 4], u, { min: { f: -0.5 }, max: { f: 0.5 } }, 7),
  one('Cast float→int32', 'Cast', [3, 4], u, { to: { i: 6 } }), one('Cast float→bool', 'Cast', [3, 4], int(3), { to: { i: 9 } }),
  { name: 'Cast int64→float', inputs: [['x', 'int64', [4], int(9)]], outputs: ['y'], nodes: [node('Cast', { to: { i: 1 } })] },
  { name: 'Reshape with 0 and -1', inputs: [x([2, 3, 4])], initializers: [['s', ints([0, -1, 2])]], outputs: ['y'], nodes: [node('Reshape', {}, ['s'])] },
  one('Flatten axis 0', 'Flatten', [2, 3, 4], u, { axis: { i: 0 } }), one('Flatten axis -1', 'Flatten', [2, 3, 4], u, { axis: { i: -1 } }),
  { name: 'Unsqueeze, Squeeze (inputs)', inputs: [x([3, 4])],
    initializers: [['a', ints([0, 3])], ['b', ints([3])]],
    outputs: ['y'],
    nodes: [['Unsqueeze', ['x', 'a'], ['t']], ['Squeeze', ['t', 'b'], ['y']]] },
  one('Transpose default', 'Transpose', [2, 3, 4]), one('Transpose perm', 'Transpose', [2, 3, 4], u, { perm: { ints: [1, 2, 0] } }),
  { name: 'Expand', inputs: [x([3, 1])], initializers: [['s', ints([2, 1, 4])]], outputs: ['y'], nodes: [node('Expand', {}, ['s'])] },
  { name: 'Concat axis 1', inputs: [x([2, 3]), ['b', 'float32', [2, 1]]], outputs: ['y'], nodes: [['Concat', ['x', 'b', 'x'], ['y'], { axis: { i: 1 } }]] },
  { name: 'Slice two axes, negative step', inputs: [x([4, 6])],
    initializers: [['s', ints([-1, 1])], ['e', ints([-100, 100])], ['a', ints([0, 1])], ['st', ints([-2, 2])]],
    outputs: ['y'],
    nodes: [node('Slice', {}, ['s', 'e', 'a', 'st'])] },
  { name: 'Slice opset 9, attributes', opset: 9, inputs: [x([4, 6])], outputs: ['y'], nodes: [node('Slice', { starts: { ints: [1] }, ends: { ints: [-1] }, axes: { ints: [1] } })] },
  { name: 'Pad constant value', inputs: [x([2, 3])], initializers: [['p', ints([1, 0, 0, 2])], ['v', f32([], [1.5])]], outputs: ['y'], nodes: [node('Pad', {}, ['p', 'v'])] },
  one('Pad opset 10, attributes', 'Pad', [2, 3], u, { pads: { ints: [0, 1, 1, 0] }, value: { f: -1 } }, 10),
  ...[0, 1, 2].map((axis): OpCase => ({ name: `Gather axis ${axis}`, inputs: [x([3, 4, 5]), ['i', 'int64', [2, 2], int(3)]], outputs: ['y'], nodes: [node('Gather', { axis: { i: axis } }, ['i'])] })),
  { name: 'ScatterND add', inputs: [x([5, 3]), ['u', 'float32', [4, 3]]],
    initializers: [['i', { int64: ints([4, 0, 4, 2]), dims: [4, 1] }]],
    outputs: ['y'],
    nodes: [node('ScatterND', { reduction: { s: 'add' } }, ['i', 'u'])] },
  ...[-1, 1].map((axis): OpCase => ({ name: `OneHot axis ${axis}`, inputs: [['x', 'int64', [2, 3], int(4)]],
      initializers: [['d', ints([4])], ['v', f32([2], [0.5, 2])]],
      outputs: ['y'],
      nodes: [node('OneHot', { axis: { i: axis } }, ['d', 'v'])] })),
  two('MatMul', [2, 1, 3, 4], [5, 4, 2]), two('MatMul', [4], [4, 3]), two('MatMul', [2, 3, 4], [4]),
  { name: 'Gemm transB alpha beta', inputs: [x([3, 4]), ['b', 'float32', [5, 4]], ['c', 'float32', [3, 1]]],
    outputs: ['y'],
    nodes: [['Gemm', ['x', 'b', 'c'], ['y'], { transB: { i: 1 }, alpha: { f: 0.5 }, beta: { f: 2 } }]] },
  { name: 'Gemm without C', inputs: [x([4, 3]), ['b', 'float32', [4, 5]]], outputs: ['y'], nodes: [['Gemm', ['x', 'b'], ['y'], { transA: { i: 1 } }]] },
  { name: 'ReduceSum axes input', inputs: [x([3, 4, 5])], initializers: [['a', ints([0, -1])]], outputs: ['y'], nodes: [node('ReduceSum', { keepdims: { i: 0 } }, ['a'])] },
  { name: 'ReduceSum noop_with_empty_axes', inputs: [x([3, 4])], outputs: ['y'], nodes: [node('ReduceSum', { noop_with_empty_axes: { i: 1 } })] },
  ...['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceLogSumExp'].map((op) => one(op, op, [3, 4, 5], u, { axes: { ints: [1] }, keepdims: { i: 0 } })),
  one('ReduceMean all', 'ReduceMean', [3, 4]),
  one('ArgMax', 'ArgMax', [3, 4, 5], u, { axis: { i: 1 } }), one('ArgMin', 'ArgMin', [3, 4, 5], u, { axis: { i: -1 }, keepdims: { i: 0 } }),
  { name: 'TopK smallest axis 0', inputs: [x([5, 3])], initializers: [['k', ints([2])]], outputs: ['y', 'i'], nodes: [['TopK', ['x', 'k'], ['y', 'i'], { axis: { i: 0 }, largest: { i: 0 } }]] },
  one('Softmax opset 11 (2-D coercion)', 'Softmax', [2, 3, 4], u, { axis: { i: 1 } }, 11), one('Softmax opset 13', 'Softmax', [2, 3, 4], u, { axis: { i: 1 } }),
  one('LogSoftmax opset 11', 'LogSoftmax', [2, 3, 4], u, {}, 11), one('LogSoftmax opset 13', 'LogSoftmax', [2, 3, 4], u, { axis: { i: 0 } }),
  { name: 'BatchNormalization', inputs: [x([2, 3, 2, 2])],
    initializers: [['s', f32([3], [1, 2, 3])], ['b', f32([3], [0, 1, -1])], ['m', f32([3], [0.5, 0, -0.5])], ['v', f32([3], [1, 2, 0.5])]],
    outputs: ['y'],
    nodes: [node('BatchNormalization', { epsilon: { f: 1e-3 } }, ['s', 'b', 'm', 'v'])] },
  { name: 'LayerNormalization axis -2', inputs: [x([2, 3, 4])],
    initializers: [['s', f32([3, 4], Array.from({ length: 12 }, (_, i) => i / 6))], ['b', f32([4], [1, 0, -1, 2])]],
    outputs: ['y'],
    nodes: [node('LayerNormalization', { axis: { i: -2 } }, ['s', 'b'])] },
  one('GlobalAveragePool', 'GlobalAveragePool', [2, 3, 4, 5]), one('GlobalMaxPool', 'GlobalMaxPool', [2, 3, 4, 5]),
  { name: 'Conv pads strides dilations group bias', inputs: [x([2, 4, 7, 6]), ['w', 'float32', [6, 2, 3, 2]], ['b', 'float32', [6]]],
    outputs: ['y'],
    nodes: [['Conv', ['x', 'w', 'b'], ['y'], { pads: { ints: [1, 0, 2, 1] }, strides: { ints: [2, 1] }, dilations: { ints: [1, 2] }, group: { i: 2 } }]] },
  { name: 'Conv auto_pad SAME_UPPER', inputs: [x([1, 2, 5, 5]), ['w', 'float32', [3, 2, 2, 2]]],
    outputs: ['y'],
    nodes: [['Conv', ['x', 'w'], ['y'], { auto_pad: { s: 'SAME_UPPER' }, strides: { ints: [2, 2] } }]] },
  { name: 'Conv 1-D', inputs: [x([2, 3, 9]), ['w', 'float32', [4, 3, 3]]], outputs: ['y'], nodes: [['Conv', ['x', 'w'], ['y'], { pads: { ints: [1, 1] }, strides: { ints: [2] } }]] },
  { name: 'ConvTranspose', inputs: [x([1, 2, 4, 3]), ['w', 'float32', [2, 3, 3, 3]], ['b', 'float32', [3]]],
    outputs: ['y'],
    nodes: [['ConvTranspose', ['x', 'w', 'b'], ['y'], { strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] }, output_padding: { ints: [1, 0] } }]] },
  one('MaxPool pads strides', 'MaxPool', [2, 3, 7, 6], u, { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] } }),
  one('MaxPool ceil_mode', 'MaxPool', [1, 2, 7, 6], u, { kernel_shape: { ints: [2, 3] }, strides: { ints: [2, 2] }, ceil_mode: { i: 1 } }),
  one('MaxPool 1-D', 'MaxPool', [2, 3, 9], u, { kernel_shape: { ints: [3] }, strides: { ints: [2] } }),
  ...[0, 1].map((c) => one(`AveragePool count_include_pad ${c}`, 'AveragePool', [2, 3, 6, 6], u,
      { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] }, count_include_pad: { i: c } })),
  { name: 'Shape, Size, ConstantOfShape, Constant', inputs: [x([2, 3])],
    outputs: ['y', 'n'],
    nodes: [
      ['Shape', ['x'], ['s']], ['ConstantOfShape', ['s'], ['f'], { value: { t: f32([1], [2.5]) } }], ['Mul', ['x', 'f'], ['y']],
      ['Size', ['x'], ['n0']], ['Constant', [], ['c'], { value_int: { i: 4 } }], ['Add', ['n0', 'c'], ['n']],
    ] },
  ...['And', 'Or', 'Xor'].map((op) => two(op, [3, 4], [4], bits, 'bool')),
  two('GreaterOrEqual', [3, 4], [4], int(3), 'int64'), two('LessOrEqual', [3, 4], [3, 1], int(3), 'int64'),
  one('LeakyRelu', 'LeakyRelu', [3, 4], u, { alpha: { f: 0.2 } }),
  { name: 'PRelu per channel', inputs: [x([2, 3, 2])], initializers: [['s', f32([3, 1], [0.1, -0.5, 2])]], outputs: ['y'], nodes: [node('PRelu', {}, ['s'])] },
  { name: 'Split sizes input', inputs: [x([2, 7])], initializers: [['s', ints([3, 4])]], outputs: ['y', 'z'], nodes: [['Split', ['x', 's'], ['y', 'z'], { axis: { i: 1 } }]] },
  { name: 'Split opset 11 equal parts', opset: 11, inputs: [x([6, 2])], outputs: ['y', 'z', 'w'], nodes: [['Split', ['x'], ['y', 'z', 'w']]] },
  { name: 'Tile', inputs: [x([2, 3])], initializers: [['r', ints([2, 3])]], outputs: ['y'], nodes: [node('Tile', {}, ['r'])] },
  { name: 'Range int64 and float', inputs: [x([1])],
    initializers: [['a', { int64: ints([2]), dims: [] }], ['b', { int64: ints([11]), dims: [] }], ['d', { int64: ints([3]), dims: [] }], ['fa', f32([], [0.5])], ['fb', f32([], [-1])], ['fd', f32([], [-0.25])]],
    outputs: ['y', 'z'], nodes: [['Range', ['a', 'b', 'd'], ['y']], ['Range', ['fa', 'fb', 'fd'], ['r']], ['Add', ['r', 'x'], ['z']]] },
  { name: 'Dropout (inference)', inputs: [x([3, 4])], outputs: ['y'], nodes: [node('Dropout', { seed: { i: 3 } })] },
];

/** Inputs for both engines: int64 as BigInt for onnxruntime, int32 for the imported graph. */
function feedsOf(c: OpCase, rng: Philox): { ours: Record<string, Tensor>; theirs: Record<string, ort.Tensor> } {
  const ours: Record<string, Tensor> = {}, theirs: Record<string, ort.Tensor> = {};
  for (const [name, elem, dims, gen = u] of c.inputs) {
    const v = gen(rng, dims.reduce((p, q) => p * q, 1));
    if (elem === 'float32') ours[name] = new Tensor('float32', dims, Float32Array.from(v));
    else if (elem === 'bool') ours[name] = new Tensor('bool', dims, Uint8Array.from(v));
    else ours[name] = new Tensor('int32', dims, Int32Array.from(v));
    theirs[name] = elem === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(v, BigInt), dims) : new ort.Tensor(elem as 'float32', ours[name]!.data as Float32Array, dims);
  }
  return { ours, theirs };
}

/** Each output against onnxruntime's: equal for ints and bools, within `tol` (relative, floor 1) for floats. */
function expectClose(got: Results, want: ort.InferenceSession.ReturnType, names: readonly string[], tol: number, who: string): void {
  for (const name of names) {
    const w = want[name] as ort.Tensor, g = got[name]!;
    expect(g.shape, `${who} ${name}`).toEqual(w.dims.map(Number));
    const ref = Array.from(w.data as ArrayLike<number | bigint | boolean>, Number);
    if (w.type !== 'float32') expect(g.toArray(), `${who} ${name}`).toEqual(ref);
    else g.toArray().forEach((v, i) => expect(Math.abs(v - ref[i]!), `${who} ${name}[${i}]: ${v} vs ${ref[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(ref[i]!))));
  }
}

describe('imported graphs on the reference and on wasm match onnxruntime running the same file', () => {
  it('covers every entry of the import table', () => {
    const tested = new Set(CASES.flatMap((c) => c.nodes.map((n) => n[0])));
    expect(Object.keys(IMPORTERS).filter((op) => !tested.has(op))).toEqual([]);
  });

  it.each(CASES.map((c, k) => [c.name, c, k] as const))('%s', async (_, c, k) => {
    const bytes = testModel({ ...c, inputs: c.inputs.map(([n, e, d]) => [n, e, d]) });
    const { ours, theirs } = feedsOf(c, new Philox(11, k));
    const session = await ort.InferenceSession.create(bytes);
    const want = await session.run(theirs);
    await session.release();
    const graph = importOnnx(bytes);
    expectClose(interpret(graph, ours), want, c.outputs as string[], 2e-6, 'reference');
    const exe = await (await getBackend('wasm')).compile(graph);
    try {
      expectClose(await exe.run(ours), want, c.outputs as string[], 1e-5, 'wasm');
    } finally {
      exe.dispose();
    }
  });
});
