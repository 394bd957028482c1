// Layout primitives: transpose, reshape, expand (broadcast to a shape).
import { Tensor } from '../tensor.ts';
import { broadcastShapes, formatType, type Dim } from '../ir/types.ts';
import { defineOp } from './registry.ts';
import { broadcastIndex, remap, transposeIndex } from './kernels.ts';
import { reshape, sumTo, transpose } from './api.ts';

export const transposeOp = defineOp<{ perm: readonly number[] }>({
  name: 'transpose', doc: 'permute dims', arity: 1,
  infer: ([x], { perm }) => {
    const r = x!.shape.length;
    if (perm.length !== r || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
      throw new Error(`transpose: perm [${perm.join(', ')}] is not a permutation of ${r} dims`);
    }
    return [{ dtype: x!.dtype, shape: perm.map((p) => x!.shape[p]!) }];
  },
  compute: ([x], { perm }, [s]) => [remap(x!, transposeIndex(x!.shape, perm), s!)],
  vjp: ({ attrs: { perm } }, [g]) => {
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    return [transpose(g!, inv)];
  },
  onnx: (e, n) => void e.node('Transpose', n.inputs, { perm: { ints: n.attrs.perm } }, n.outputs),
});

/** Product of the static dims (symbolic dims must match by name on both sides). */
function staticPart(shape: readonly Dim[]): number {
  return shape.reduce<number>((p, q) => p * (typeof q === 'number' ? q : 1), 1);
}

export const reshapeOp = defineOp<{ shape: readonly Dim[] }>({
  name: 'reshape', doc: 'same data, new shape (row-major)', arity: 1,
  infer: ([x], { shape }) => {
    const a = staticPart(x!.shape), b = staticPart(shape);
    const symA = x!.shape.filter((d) => typeof d === 'string').sort().join();
    const symB = shape.filter((d) => typeof d === 'string').sort().join();
    if (shape.some((d) => typeof d === 'number' && (!Number.isInteger(d) || d < 0))) {
      throw new Error(`reshape: target [${shape.join(', ')}] must hold non-negative integers or symbolic names`);
    }
    if (a !== b || symA !== symB) {
      throw new Error(`reshape: ${formatType(x!)} cannot become [${shape.join(', ')}] (sizes differ)`);
    }
    return [{ dtype: x!.dtype, shape }];
  },
  compute: ([x], _, [s]) => [new Tensor(x!.dtype, s!, x!.data)],
  vjp: ({ inputs: [x] }, [g]) => [reshape(g!, x!.shape)],
  // allowzero: a 0 in the target is a real zero-size dim, not "copy the input's dim".
  onnx: (e, n) => void e.node('Reshape', [n.inputs[0]!, e.shape(n.attrs.shape)], n.attrs.shape.includes(0) ? { allowzero: { i: 1 } } : {}, n.outputs),
});

export const expandOp = defineOp<{ shape: readonly Dim[] }>({
  name: 'expand', doc: 'broadcast to a shape (numpy rules)', arity: 1,
  infer: ([x], { shape }) => {
    const out = broadcastShapes(x!.shape, shape, 'expand');
    if (out.length !== shape.length || out.some((d, i) => d !== shape[i])) {
      throw new Error(`expand: ${formatType(x!)} does not broadcast to exactly [${shape.join(', ')}]`);
    }
    return [{ dtype: x!.dtype, shape }];
  },
  compute: ([x], _, [s]) => [remap(x!, broadcastIndex(x!.shape, s!), s!)],
  vjp: ({ inputs: [x] }, [g]) => [sumTo(g!, x!.shape)],
  onnx: (e, n) => void e.node('Expand', [n.inputs[0]!, e.shape(n.attrs.shape)], {}, n.outputs),
});
