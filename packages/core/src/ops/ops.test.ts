import { describe, expect, it } from 'vitest';
import './index.ts';
import * as op from './api.ts';
import { listOps } from './registry.ts';
import { GraphBuilder, trace } from '../ir/graph.ts';
import { interpret } from '../backend/reference.ts';
import { Tensor, tensor } from '../tensor.ts';

const run = (build: (b: GraphBuilder) => op.Operand, feeds: Record<string, Tensor> = {}): number[] =>
  interpret(trace('t', (b) => ({ y: build(b) as never })), feeds).y!.toArray();

describe('op registry', () => {
  it('lists every primitive of the slice with all four faces', () => {
    const ops = listOps();
    const names = ops.map((o) => o.name);
    for (const n of ['add', 'sub', 'mul', 'div', 'neg', 'exp', 'log', 'abs', 'sign', 'relu', 'maximum', 'reduceSum', 'reduceMean',
      'reduceMax', 'matmul', 'transpose', 'reshape', 'expand', 'gather', 'scatterAdd', 'where', 'greater', 'oneHot', 'logSoftmax', 'argmax']) {
      expect(names).toContain(n);
    }
    for (const o of ops) {
      expect(o.faces.infer && o.faces.compute && o.faces.onnx, o.name).toBe(true);
      expect(o.faces.vjp === true || ['greater', 'equal', 'oneHot', 'argmax'].includes(o.name), o.name).toBe(true);
    }
  });
});

describe('reference kernels', () => {
  const x23 = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  it('broadcast arithmetic and comparisons', () => {
    expect(run((b) => op.add(b.data('x', 'float32', [2, 3]), b.constant('c', tensor([10, 20, 30], [3]))), { x: x23 })).toEqual([11, 22, 33, 14, 25, 36]);
    expect(run((b) => op.sub(b.data('x', 'float32', [2, 3]), b.constant('c', tensor([1, 2], [2, 1]))), { x: x23 })).toEqual([0, 1, 2, 2, 3, 4]);
    expect(run((b) => op.cast(op.greater(b.data('x', 'float32', [2, 3]), 3.5), 'float32'), { x: x23 })).toEqual([0, 0, 0, 1, 1, 1]);
    expect(run((b) => op.div(b.constant('i', tensor([7, -7], [2], 'int32')), 2))).toEqual([3, -3]);
  });
  it('batched matmul and reductions', () => {
    const a = tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]), m = tensor([1, 0, 1, 1], [2, 2]);
    expect(run((b) => op.matmul(b.data('a', 'float32', [2, 2, 2]), b.data('m', 'float32', [2, 2])), { a, m })).toEqual([3, 2, 7, 4, 11, 6, 15, 8]);
    expect(run((b) => op.sum(b.data('x', 'float32', [2, 3]), 0), { x: x23 })).toEqual([5, 7, 9]);
    expect(run((b) => op.mean(b.data('x', 'float32', [2, 3]), 1, true), { x: x23 })).toEqual([2, 5]);
    expect(run((b) => op.max(b.constant('i', tensor([-5, -3, -9], [3], 'int32'))))).toEqual([-3]);
  });
  it('gather, scatter-add with repeated indices, one-hot, argmax (first of ties)', () => {
    const idx = tensor([2, 0, 2], [3], 'int32');
    expect(run((b) => op.gather(b.data('x', 'float32', [2, 3]), b.constant('i', tensor([1, 1, 0], [3], 'int32'))), { x: x23 }))
      .toEqual([4, 5, 6, 4, 5, 6, 1, 2, 3]);
    expect(run((b) => op.scatterAdd(b.constant('i', idx), b.constant('u', tensor([1, 2, 3], [3])), 4))).toEqual([2, 0, 4, 0]);
    expect(run((b) => op.oneHot(b.constant('i', idx), 3))).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 1]);
    expect(run((b) => op.argmax(b.constant('v', tensor([1, 3, 3, 0], [2, 2])), -1))).toEqual([1, 0]);
    expect(() => run((b) => op.gather(b.data('x', 'float32', [2, 3]), b.constant('i', tensor([2], [1], 'int32'))), { x: x23 }))
      .toThrow(/gather: index 2 is out of range \[0, 2\)/);
  });
  it('log-softmax is stable for large logits', () => {
    const y = run((b) => op.logSoftmax(b.constant('z', tensor([1000, 1000], [1, 2]))));
    expect(y[0]).toBeCloseTo(-Math.LN2, 12);
  });
});

describe('type rules name the op and the problem', () => {
  const b = new GraphBuilder('bad');
  const a = b.data('a', 'float32', [2, 3]), c = b.data('c', 'float32', [4, 5]), i = b.data('i', 'int32', [2]);
  it('rejects mismatched shapes and dtypes', () => {
    expect(() => op.add(a, c)).toThrow(/add: shapes \[2, 3\] and \[4, 5\] do not broadcast/);
    expect(() => op.matmul(a, c)).toThrow(/matmul: inner dims differ/);
    expect(() => op.add(a, i)).toThrow(/add: dtypes differ/);
    expect(() => op.gather(a, a)).toThrow(/gather: indices must be int32/);
    expect(() => op.reshape(a, [4, 2])).toThrow(/reshape: float32\[2, 3\] cannot become \[4, 2\]/);
    expect(() => op.sum(a, 5)).toThrow(/sum: axis 5 is out of range for rank 2/);
    expect(() => b.data('a', 'float32', [1])).toThrow(/input name 'a' is used twice/);
  });
});
