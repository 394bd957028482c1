import { describe, expect, it } from 'vitest';
import { Tensor, interpret, type Graph } from '@repkit/core';
import { importModel, importOnnx } from './import.ts';
import { f32, i32, testModel, type TestModel } from './testing.ts';

const INT64_MAX = 9223372036854775807n, INT64_MIN = -9223372036854775808n;

function run(m: TestModel, feeds: Record<string, Tensor>): Record<string, number[]> & { graph: Graph } {
  const graph = importOnnx(testModel(m));
  const out = interpret(graph, feeds);
  return Object.assign(Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.toArray()])), { graph });
}

const x23 = f32([2, 3], [1, 2, 3, 4, 5, 6]);

describe('importOnnx: ONNX semantics that differ from one core primitive', () => {
  it('Gemm: transA, alpha, beta and a broadcast C', () => {
    const r = run({
      inputs: [['A', 'float32', [2, 2]], ['B', 'float32', [2, 3]]], outputs: ['Y'],
      initializers: [['C', f32([3], [2, 4, 6])]],
      nodes: [['Gemm', ['A', 'B', 'C'], ['Y'], { transA: { i: 1 }, alpha: { f: 2 }, beta: { f: 0.5 } }]],
    }, { A: f32([2, 2], [1, 2, 3, 4]), B: f32([2, 3], [1, 0, 1, 0, 1, 1]) });
    expect(r.Y).toEqual([3, 8, 11, 5, 10, 15]);
  });

  it('MatMul with a 1-D operand on either side', () => {
    const r = run({
      inputs: [['v', 'float32', [2]], ['M', 'float32', [2, 3]], ['N', 'float32', [3, 2]]], outputs: ['vM', 'Nv'],
      nodes: [['MatMul', ['v', 'M'], ['vM']], ['MatMul', ['N', 'v'], ['Nv']]],
    }, { v: f32([2], [1, 2]), M: f32([2, 3], [1, 0, 1, 0, 1, 1]), N: f32([3, 2], [1, 0, 0, 1, 1, 1]) });
    expect([r.vM, r.Nv]).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(r.graph.outputs.map((o) => o.value.shape)).toEqual([[3], [3]]);
  });

  it('folds the shape arithmetic of a dynamic reshape (Shape → Gather → Unsqueeze → Concat) with a symbolic batch', () => {
    const r = run({
      inputs: [['x', 'float32', ['batch', 2, 3]]], outputs: [['y', 'float32', ['batch', 6]]],
      initializers: [['zero', [0n]], ['axes', [0n]]],
      nodes: [
        ['Shape', ['x'], ['s']],
        ['Constant', [], ['i0'], { value: { t: i32([], [0]) } }],
        ['Gather', ['s', 'i0'], ['b'], { axis: { i: 0 } }],
        ['Unsqueeze', ['b', 'axes'], ['b1']],
        ['Constant', [], ['rest'], { value_ints: { ints: [-1] } }],
        ['Concat', ['b1', 'rest'], ['shape'], { axis: { i: 0 } }],
        ['Reshape', ['x', 'shape'], ['y']],
      ],
    }, { x: f32([2, 2, 3], [...Array(12).keys()]) });
    expect(r.graph.nodes.map((n) => n.op)).toEqual(['reshape']);
    expect(r.graph.outputs[0]!.value.shape).toEqual(['batch', 6]);
    expect(r.y).toEqual([...Array(12).keys()]);
  });

  it('Softmax: opset < 13 normalises x coerced to 2-D at axis, opset 13 along the axis', () => {
    const m = (opset: number): TestModel => ({
      opset, inputs: [['x', 'float32', [2, 2, 2]]], outputs: ['y'], nodes: [['Softmax', ['x'], ['y'], { axis: { i: 1 } }]],
    });
    const x = f32([2, 2, 2], [0, 1, 2, 3, 0, 1, 2, 3]);
    const sm = (v: number[]): number[] => v.map((a) => Math.exp(a) / v.reduce((s, b) => s + Math.exp(b), 0));
    const rows = sm([0, 1, 2, 3]);
    run(m(11), { x }).y!.forEach((v, i) => expect(v).toBeCloseTo(rows[i % 4]!, 12));
    const pairs = [...sm([0, 2]), ...sm([1, 3])]; // dim 1 of [[0,1],[2,3]]: columns (0,2) and (1,3)
    run(m(13), { x }).y!.forEach((v, i) => expect(v).toBeCloseTo([pairs[0], pairs[2], pairs[1], pairs[3]][i % 4]!, 12));
  });

  it('Squeeze and Unsqueeze read axes from attributes before opset 13 and from inputs after', () => {
    const attrs = run({
      opset: 11, inputs: [['x', 'float32', [2, 3]]], outputs: ['y'],
      nodes: [['Unsqueeze', ['x'], ['u'], { axes: { ints: [0, -1] } }], ['Squeeze', ['u'], ['y'], { axes: { ints: [0] } }]],
    }, { x: x23 });
    expect(attrs.graph.outputs[0]!.value.shape).toEqual([2, 3, 1]);
    const inputs = run({
      opset: 13, inputs: [['x', 'float32', [2, 3]]], outputs: ['y'], initializers: [['a', [1n]]],
      nodes: [['Unsqueeze', ['x', 'a'], ['u']], ['Squeeze', ['u'], ['y']]],
    }, { x: x23 });
    expect([inputs.graph.outputs[0]!.value.shape, inputs.y]).toEqual([[2, 3], [1, 2, 3, 4, 5, 6]]);
  });

  it('Gather along axis 1 with negative constant indices', () => {
    const r = run({
      inputs: [['x', 'float32', [2, 3]]], outputs: ['y'], initializers: [['i', [-1n, 0n]]],
      nodes: [['Gather', ['x', 'i'], ['y'], { axis: { i: 1 } }]],
    }, { x: x23 });
    expect(r.y).toEqual([3, 1, 6, 4]);
  });

  it('ReduceSum with an axes input, ReduceMean with an axes attribute, and reduce-all', () => {
    const r = run({
      inputs: [['x', 'float32', [2, 3]]], outputs: ['s', 'm', 'all'], initializers: [['ax', [-1n]]],
      nodes: [
        ['ReduceSum', ['x', 'ax'], ['s'], { keepdims: { i: 0 } }],
        ['ReduceMean', ['x'], ['m'], { axes: { ints: [0] } }],
        ['ReduceMax', ['x'], ['all'], { keepdims: { i: 0 } }],
      ],
    }, { x: x23 });
    expect([r.s, r.m, r.all]).toEqual([[6, 15], [2.5, 3.5, 4.5], [6]]);
    expect(r.graph.outputs.map((o) => o.value.shape)).toEqual([[2], [1, 3], []]);
  });

  it('OneHot along axis 0 with int64 indices and values [off, on]', () => {
    const r = run({
      inputs: [['i', 'int64', [2]]], outputs: ['y'], initializers: [['depth', [3n]], ['vals', f32([2], [-1, 5])]],
      nodes: [['OneHot', ['i', 'depth', 'vals'], ['y'], { axis: { i: 0 } }]],
    }, { i: i32([2], [2, 0]) });
    expect(r.y).toEqual([-1, 5, -1, -1, 5, -1]);
    expect(r.graph.inputs[0]!.value.dtype).toBe('int32');
  });

  it('ScatterND with reduction add: onto ConstantOfShape zeros (core scatterAdd) and onto data', () => {
    const r = run({
      inputs: [['d', 'float32', [4, 2]], ['u', 'float32', [3, 2]]], outputs: ['y', 'z'],
      initializers: [['shape', [4n, 2n]], ['idx', { int64: [1n, 3n, 1n], dims: [3, 1] }]],
      nodes: [
        ['ConstantOfShape', ['shape'], ['zeros']],
        ['ScatterND', ['zeros', 'idx', 'u'], ['y'], { reduction: { s: 'add' } }],
        ['ScatterND', ['d', 'idx', 'u'], ['z'], { reduction: { s: 'add' } }],
      ],
    }, { d: f32([4, 2], [1, 1, 1, 1, 1, 1, 1, 1]), u: f32([3, 2], [1, 2, 3, 4, 5, 6]) });
    expect(r.y).toEqual([0, 0, 6, 8, 0, 0, 3, 4]);
    expect(r.z).toEqual([1, 1, 7, 9, 1, 1, 4, 5]);
  });

  it('Slice with int64 sentinels, steps and a negative step', () => {
    const r = run({
      inputs: [['x', 'float32', [2, 5]]], outputs: ['odd', 'rev'],
      initializers: [['s1', [1n]], ['e1', [INT64_MAX]], ['a1', [1n]], ['st2', [2n]], ['sm1', [-1n]], ['emin', [INT64_MIN]], ['stm1', [-1n]]],
      nodes: [['Slice', ['x', 's1', 'e1', 'a1', 'st2'], ['odd']], ['Slice', ['x', 'sm1', 'emin', 'a1', 'stm1'], ['rev']]],
    }, { x: f32([2, 5], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) });
    expect([r.odd, r.rev]).toEqual([[1, 3, 6, 8], [4, 3, 2, 1, 0, 9, 8, 7, 6, 5]]);
  });

  it('comparisons, Not, Where, Cast from int64, variadic Max and Sum', () => {
    const r = run({
      inputs: [['a', 'float32', [3]], ['b', 'float32', [3]], ['n', 'int64', [3]]], outputs: ['w', 'c', 'mx', 'sm', 'eq'],
      nodes: [
        ['Less', ['a', 'b'], ['lt']], ['Not', ['lt'], ['ge']], ['Where', ['ge', 'a', 'b'], ['w']],
        ['Cast', ['n'], ['c'], { to: { i: 1 } }], ['Max', ['a', 'b', 'c'], ['mx']], ['Sum', ['a', 'b', 'c'], ['sm']],
        ['Greater', ['a', 'b'], ['gt']], ['Equal', ['gt', 'lt'], ['eq']],
      ],
    }, { a: f32([3], [1, 5, 2]), b: f32([3], [3, 4, 2]), n: i32([3], [0, 9, -1]) });
    expect([r.w, r.c, r.mx, r.sm, r.eq]).toEqual([[3, 5, 2], [0, 9, -1], [3, 9, 2], [4, 18, 3], [0, 0, 1]]);
  });

  it('Flatten, Expand (bidirectional), Identity and inference-mode Dropout with its mask', () => {
    const r = run({
      inputs: [['x', 'float32', ['n', 2, 3]], ['c', 'float32', [3, 1]]], outputs: ['f', 'e', 'mask'], initializers: [['shape', [2n, 1n, 4n]]],
      nodes: [
        ['Flatten', ['x'], ['f']], ['Identity', ['c'], ['c2']], ['Expand', ['c2', 'shape'], ['e']],
        ['Dropout', ['x'], ['dx', 'mask'], { ratio: { f: 0.5 } }],
      ],
    }, { x: f32([1, 2, 3], [1, 2, 3, 4, 5, 6]), c: f32([3, 1], [7, 8, 9]) });
    expect(r.graph.outputs.map((o) => o.value.shape)).toEqual([['n', 6], [2, 3, 4], ['n', 2, 3]]);
    expect([r.f, r.e!.slice(0, 8), r.mask]).toEqual([[1, 2, 3, 4, 5, 6], [7, 7, 7, 7, 8, 8, 8, 8], [1, 1, 1, 1, 1, 1]]);
  });

  it('BatchNormalization (inference) and LayerNormalization', () => {
    const r = run({
      inputs: [['x', 'float32', [1, 2, 2]]], outputs: ['bn', 'ln', 'mu'],
      initializers: [['s', f32([2], [2, 1])], ['b', f32([2], [0, 1])], ['m', f32([2], [1, 2])], ['v', f32([2], [4, 1])]],
      nodes: [
        ['BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['bn'], { epsilon: { f: 0 } }],
        ['LayerNormalization', ['x', 's', 'b'], ['ln', 'mu'], { epsilon: { f: 0 } }],
      ],
    }, { x: f32([1, 2, 2], [3, 5, 2, 4]) });
    expect(r.bn).toEqual([2, 4, 1, 3]);
    expect([r.ln, r.mu]).toEqual([[-2, 2, -2, 2], [4, 3]]);
  });

  it('an initializer read under two names (Identity, as torch writes tied weights) is one constant, or one parameter', () => {
    const bytes = testModel({
      inputs: [['x', 'float32', [1, 2]]], outputs: ['a', 'b'], initializers: [['W', f32([2, 2], [1, 2, 3, 4])]],
      nodes: [['Identity', ['W'], ['W2']], ['MatMul', ['x', 'W'], ['a']], ['MatMul', ['x', 'W2'], ['b']]],
    });
    expect(importOnnx(bytes).inputs.map((i) => [i.name, i.kind])).toEqual([['x', 'data'], ['W', 'const']]);
    const m = importModel(bytes, { params: 'initializers' });
    expect([m.graph.inputs.map((i) => [i.name, i.kind]), Object.keys(m.params)]).toEqual([[['x', 'data'], ['W', 'param']], ['W']]);
  });

  it('reads int64 inputs as int32, names unnamed dynamic dims and keeps dim_params', () => {
    const g = importOnnx(testModel({
      inputs: [['ids', 'int64', [null, 'seq']]], outputs: ['y'], nodes: [['Identity', ['ids'], ['y']]],
    }));
    expect(g.inputs.map((i) => [i.name, i.value.dtype, i.value.shape])).toEqual([['ids', 'int32', ['ids_dim0', 'seq']]]);
    expect(importModel(testModel({ opset: 9, inputs: [['x', 'float32', [1]]], outputs: ['x'], nodes: [] }))).toMatchObject({ opset: 9, producer: 'test' });
  });
});

describe('importOnnx: errors name the node, the op, the opset and what is supported', () => {
  const one = (node: TestModel['nodes'][number], extra: Partial<TestModel> = {}): Uint8Array =>
    testModel({ inputs: [['x', 'float32', ['batch', 3]]], outputs: ['y'], nodes: [node], ...extra });

  it('an unsupported op, attribute, attribute value, domain or output', () => {
    expect(() => importOnnx(one(['FooBar', ['x'], ['y']]))).toThrow(/node 0 'node0' \(FooBar, opset 17\): op FooBar is not supported; supported: Abs, Add, .*Where/);
    expect(() => importOnnx(one(['Relu', ['x'], ['y'], { alpha: { f: 1 } }]))).toThrow(/node 0 'node0' \(Relu, opset 17\): attribute 'alpha' is not supported \(supported: none\)/);
    expect(() => importOnnx(one(['ArgMax', ['x'], ['y'], { select_last_index: { i: 1 } }]))).toThrow(/\(ArgMax, opset 17\): select_last_index=1 is not supported/);
    expect(() => importOnnx(one(['Relu', ['x'], ['y'], {}, 'com.microsoft']))).toThrow(/domain 'com.microsoft' is not supported/);
    expect(() => importOnnx(one(['Dropout', ['x', '', 't'], ['y']], { initializers: [['t', new Tensor('bool', [], Uint8Array.of(1))]] })))
      .toThrow(/training_mode=true is not supported/);
    expect(() => importOnnx(one(['Pad', ['x', 'p'], ['y'], { mode: { s: 'reflect' } }], { initializers: [['p', [0n, 0n, 0n, 0n]]] }))).toThrow(/mode 'reflect' is not supported; only 'constant'/);
  });

  it('shapes that only exist at run time', () => {
    expect(() => importOnnx(testModel({
      inputs: [['x', 'float32', ['batch', 3]], ['s', 'int64', [2]]], outputs: ['y'], nodes: [['Reshape', ['x', 's'], ['y']]],
    }))).toThrow(/node 0 'node0' \(Reshape, opset 17\): shape \(input 1 's'\) must be an integer tensor known at import time/);
    expect(() => importOnnx(testModel({
      inputs: [['x', 'float32', ['batch', 3]]], outputs: ['y'], nodes: [['Shape', ['x'], ['s']], ['Cast', ['s'], ['y'], { to: { i: 1 } }]],
    }))).toThrow(/node 1 'node1' \(Cast, opset 17\): input 0 's' holds the symbolic dim 'batch'/);
  });

  it('bad bytes, opsets, element types and int64 values beyond int32', () => {
    expect(() => importOnnx(new Uint8Array([1, 2, 3, 4]))).toThrow(/importOnnx: not an ONNX model/);
    expect(() => importOnnx(new Uint8Array())).toThrow(/non-empty Uint8Array/);
    expect(() => importOnnx(one(['Relu', ['x'], ['y']], { opset: 18 }))).toThrow(/opset 18; supported: 7 to 17/);
    expect(() => importOnnx(testModel({ inputs: [['h', 'float16', [2]]], outputs: ['h'], nodes: [] }))).toThrow(/graph input 'h' has element type float16; supported: float32, float64, int32, int64/);
    expect(() => importOnnx(testModel({
      inputs: [['n', 'int64', [1]]], outputs: ['y'], initializers: [['big', [1n << 40n]]], nodes: [['Add', ['n', 'big'], ['y']]],
    }))).toThrow(/node 0 'node0' \(Add, opset 17\): input 1 'big': element 0 = 1099511627776 does not fit int32/);
    expect(() => importOnnx(one(['Relu', ['nope'], ['y']]))).toThrow(/input 'nope' is not defined before this node/);
    expect(() => importOnnx(one(['Relu', ['x'], ['y']], { outputs: [['y', 'int64', ['batch', 3]]] }))).toThrow(/graph output 'y' is declared int32\[\?, 3\], but the imported graph computes float32\[batch, 3\]/);
    expect(() => importOnnx(testModel({
      inputs: [['x', 'float32', [2, 2]]], outputs: ['y', 'rm'],
      initializers: ['s', 'b', 'm', 'v'].map((n) => [n, f32([2], [1, 1])] as [string, Tensor]),
      nodes: [['BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y', 'rm']]],
    }))).toThrow(/output 1 \('rm'\) is not supported; leave it unused/);
  });
});
