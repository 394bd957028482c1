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
    for (const n of ['add', 'sub', 'mul', 'div', 'neg', 'exp', 'log', 'sqrt', 'abs', 'sign', 'relu', 'maximum', 'reduceSum', 'reduceMean',
      'reduceMax', 'matmul', 'transpose', 'reshape', 'expand', 'gather', 'scatterAdd', 'where', 'greater', 'equal', 'cast', 'oneHot',
      'logSoftmax', 'argmax',
      'pow', 'sigmoid', 'tanh', 'softplus', 'erf', 'minimum', 'less', 'reduceMin', 'logsumexp', 'argmin', 'softmax', 'concat',
      'slice', 'squeeze', 'unsqueeze', 'pad', 'clip', 'topk', 'conv2d', 'conv2dTranspose', 'maxPool', 'avgPool']) {
      expect(names).toContain(n);
    }
    for (const o of ops) {
      expect(o.faces.infer && o.faces.compute && o.faces.onnx, o.name).toBe(true);
      expect(o.faces.vjp === true || ['greater', 'less', 'equal', 'oneHot', 'argmax', 'argmin'].includes(o.name), o.name).toBe(true);
      expect(o.doc.length, o.name).toBeGreaterThan(0);
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
  it('softmax, logsumexp (stable; −∞ rows give −∞), softplus and sigmoid at extremes', () => {
    expect(run((b) => op.softmax(b.constant('z', tensor([1000, 1000, -Infinity], [1, 3]))))).toEqual([0.5, 0.5, 0]);
    expect(run((b) => op.logsumexp(b.constant('z', tensor([1000, 1000, -Infinity, -Infinity], [2, 2])), 1))).toEqual([1000 + Math.LN2, -Infinity]);
    expect(run((b) => op.softplus(b.constant('z', tensor([-800, 0, 800], [3], 'float64'))))).toEqual([0, Math.LN2, 800]);
    expect(run((b) => op.sigmoid(b.constant('z', tensor([-800, 0, 800], [3], 'float64'))))).toEqual([0, 0.5, 1]);
  });
  it('erf matches tabulated values to 1e-15', () => {
    const y = run((b) => op.erf(b.constant('x', tensor([-3.5, -1, 0, 0.5, 2, 6], [6], 'float64'))));
    const want = [-0.9999992569016276, -0.8427007929497149, 0, 0.5204998778130465, 0.9953222650189527, 1];
    y.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-15));
  });
  it('pow takes integer powers of negative bases; minimum, less, clip, reduce min, argmin', () => {
    expect(run((b) => op.pow(b.constant('a', tensor([-2, 4, 0], [3])), b.constant('e', tensor([3, 0.5, 0], [3]))))).toEqual([-8, 2, 1]);
    expect(run((b) => op.minimum(b.data('x', 'float32', [2, 3]), 3.5), { x: x23 })).toEqual([1, 2, 3, 3.5, 3.5, 3.5]);
    expect(run((b) => op.less(b.data('x', 'float32', [2, 3]), 3), { x: x23 })).toEqual([1, 1, 0, 0, 0, 0]);
    expect(run((b) => op.clip(b.data('x', 'float32', [2, 3]), 2, 4.5), { x: x23 })).toEqual([2, 2, 3, 4, 4.5, 4.5]);
    expect(run((b) => op.clip(b.constant('i', tensor([-5, 0, 9], [3], 'int32')), -1))).toEqual([-1, 0, 9]);
    expect(run((b) => op.min(b.constant('i', tensor([5, -3, 9, -3], [2, 2], 'int32')), 0))).toEqual([5, -3]);
    expect(run((b) => op.argmin(b.constant('v', tensor([3, 1, 1, 0], [2, 2])), 0))).toEqual([1, 1]);
  });
  it('concat, slice (steps, reversal), squeeze, unsqueeze, pad', () => {
    const x = (b: GraphBuilder): op.Operand => b.data('x', 'float32', [2, 3]);
    expect(run((b) => { const v = x(b) as never; return op.concat([v, op.neg(v)], 1); }, { x: x23 }))
      .toEqual([1, 2, 3, -1, -2, -3, 4, 5, 6, -4, -5, -6]);
    expect(run((b) => op.slice(x(b) as never, [1, -1], [2, -Infinity], [0, 1], [1, -2]), { x: x23 })).toEqual([6, 4]);
    expect(run((b) => op.slice(b.constant('r', tensor([0, 1, 2, 3, 4, 5, 6], [7])), [1], [100], [0], [3]))).toEqual([1, 4]);
    expect(run((b) => op.slice(x(b) as never, [1, 0], [3, 1], [1, 0]), { x: x23 })).toEqual([2, 3]);
    expect(run((b) => op.pad(x(b) as never, [[1, 0], [0, 1]], 9), { x: x23 })).toEqual([9, 9, 9, 9, 1, 2, 3, 9, 4, 5, 6, 9]);
    const t = trace('t', (b) => ({ y: op.unsqueeze(op.squeeze(b.data('x', 'float32', [2, 1, 3]), 1), [0, -1]) }));
    expect(t.output('y').value.shape).toEqual([1, 2, 3, 1]);
  });
  it('topk: sorted values, int32 indices, ties to the lower index', () => {
    const g = trace('t', (b) => op.topk(b.constant('v', tensor([1, 3, 3, 0, 2, 5], [2, 3])), 2) as never);
    const r = interpret(g, {});
    expect(r.values!.toArray()).toEqual([3, 3, 5, 2]);
    expect(r.indices!.toArray()).toEqual([1, 2, 2, 1]);
    expect(r.indices!.dtype).toBe('int32');
    const s = interpret(trace('t', (b) => ({ v: op.topk(b.constant('v', tensor([1, 3, 3, 0, 2, 5], [2, 3])), 1, { axis: 0, largest: false }).indices })), {});
    expect(s.v!.toArray()).toEqual([1, 1, 0]);
  });
  it('conv2d, conv2dTranspose, maxPool and avgPool on hand-worked inputs', () => {
    const img = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
    const feed = { x: img };
    const x = (b: GraphBuilder): never => b.data('x', 'float32', [1, 1, 3, 3]) as never;
    // A 2×2 box filter of ones, stride 1: window sums.
    expect(run((b) => op.conv2d(x(b), b.constant('w', tensor([1, 1, 1, 1], [1, 1, 2, 2]))), feed)).toEqual([12, 16, 24, 28]);
    // Padding 1 with a 1×1 kernel of 2, stride 2: every other pixel of the padded 5×5 image, doubled.
    expect(run((b) => op.conv2d(x(b), b.constant('w', tensor([2], [1, 1, 1, 1])), { stride: 2, padding: 1 }), feed)).toEqual([0, 0, 0, 0, 10, 0, 0, 0, 0]);
    // A transposed conv of a single 1 with a 2×2 kernel, stride 2, scatters the kernel.
    expect(run((b) => op.conv2dTranspose(b.constant('x', tensor([1, 0], [1, 1, 1, 2])), b.constant('w', tensor([1, 2, 3, 4], [1, 1, 2, 2])), { stride: 2 })))
      .toEqual([1, 2, 0, 0, 3, 4, 0, 0]);
    expect(run((b) => op.maxPool(x(b), 2, { stride: 1 }), feed)).toEqual([5, 6, 8, 9]);
    expect(run((b) => op.avgPool(x(b), 2, { stride: 2, padding: [0, 0, 1, 1], countIncludePad: false }), feed)).toEqual([3, 4.5, 7.5, 9]);
    expect(run((b) => op.avgPool(x(b), 2, { stride: 2, padding: [0, 0, 1, 1] }), feed)).toEqual([3, 2.25, 3.75, 2.25]);
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
  it('rejects bad arguments of the new primitives with the op, the argument and the fix', () => {
    const flag = op.greater(a, 0), img = b.data('img', 'float32', [1, 2, 5, 5]);
    expect(() => op.less(flag, flag)).toThrow(/less: bool inputs cannot be ordered; cast them to int32/);
    expect(() => op.pow(i, i)).toThrow(/pow: needs float inputs/);
    expect(() => op.sum(a, [1, 1])).not.toThrow();
    expect(() => b.apply('reduceSum', [a], { axes: [1, 1], keepDims: false })).toThrow(/reduceSum: axes \[1, 1\] repeat an axis/);
    expect(() => op.clip(a, 2, 1)).toThrow(/clip: bounds must be numbers with min ≤ max/);
    expect(() => op.concat([a, i], 0)).toThrow(/concat: int32\[2\] does not match float32\[2, 3\]/);
    expect(() => op.slice(a, [0], [1], [0], [0])).toThrow(/slice: steps\[0\] must be a non-zero integer/);
    expect(() => op.squeeze(a, 0)).toThrow(/squeeze: axes \[0\] of float32\[2, 3\] do not have size 1/);
    expect(() => op.pad(a, [[1, 1]])).toThrow(/pad: pads has 1 \[before, after\] pairs, x has rank 2/);
    expect(() => op.pad(a, [[-1, 0], [0, 0]])).toThrow(/pad: pads .* must be 4 non-negative integers/);
    expect(() => op.topk(a, 4)).toThrow(/topk: k = 4 must be an integer in \[1, 3\]/);
    expect(() => op.conv2d(img, b.data('w3', 'float32', [4, 3, 3, 3]))).toThrow(/conv2d: x float32\[1, 2, 5, 5\] has 2 channels, w float32\[4, 3, 3, 3\] expects 3/);
    expect(() => op.conv2d(img, b.data('w6', 'float32', [4, 2, 7, 7]))).toThrow(/conv2d: the dilated kernel \(7×7\) is larger than the padded input \(5×5\)/);
    expect(() => op.conv2dTranspose(img, b.data('wt', 'float32', [2, 2, 3, 3]), { outputPadding: 1 })).toThrow(/outputPadding \[1,1\] must be .* below its stride or dilation/);
    expect(() => op.maxPool(img, 2, { padding: 2 })).toThrow(/maxPool: pads \[2,2,2,2\] must each be smaller than the kernel/);
    expect(() => op.argmin(b.data('e', 'float32', [3, 0]), 1)).toThrow(/argmin: axis 1 has size 0/);
  });
});
