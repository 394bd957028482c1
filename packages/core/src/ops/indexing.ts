// Index primitives: gather rows, scatter-add rows (its VJP), one-hot, argmax. Indices are int32.
import { Tensor, allocate, sizeOf, isFloat, type DType } from '../tensor.ts';
import { formatType, type ValueType } from '../ir/types.ts';
import { defineOp, ONNX_DTYPE, ONNX_INT64 } from './registry.ts';
import { refDType } from './kernels.ts';
import { gather, scatterAdd } from './api.ts';

function needIndices(op: string, t: ValueType): void {
  if (t.dtype !== 'int32') throw new Error(`${op}: indices must be int32, got ${formatType(t)}`);
}

function checkIndex(op: string, i: number, n: number): void {
  if (i < 0 || i >= n) throw new Error(`${op}: index ${i} is out of range [0, ${n})`);
}

export const gatherOp = defineOp({
  name: 'gather', doc: 'rows of a table: out[i…, :] = table[idx[i…], :]', arity: 2,
  infer: ([table, idx]) => {
    needIndices('gather', idx!);
    if (table!.shape.length < 1) throw new Error('gather: table must have rank ≥ 1');
    return [{ dtype: table!.dtype, shape: [...idx!.shape, ...table!.shape.slice(1)] }];
  },
  compute: ([table, idx], _, [s]) => {
    const rows = table!.shape[0]!, w = table!.size / Math.max(rows, 1);
    const out = allocate(refDType(table!.dtype), sizeOf(s!));
    for (let i = 0; i < idx!.size; i++) {
      const r = idx!.data[i]!;
      checkIndex('gather', r, rows);
      for (let j = 0; j < w; j++) out[i * w + j] = table!.data[r * w + j]!;
    }
    return [new Tensor(refDType(table!.dtype), s!, out)];
  },
  vjp: ({ inputs: [table, idx] }, [g]) => {
    const rows = table!.shape[0]!;
    if (typeof rows !== 'number') throw new Error(`gather: the gradient needs a static row count, table is ${formatType(table!)}`);
    return [scatterAdd(idx!, g!, rows), null];
  },
  onnx: (e, n) => void e.node('Gather', n.inputs, { axis: { i: 0 } }, n.outputs),
});

export const scatterAddOp = defineOp<{ size: number }>({
  name: 'scatterAdd', doc: 'out = zeros[size, …]; out[idx[i…], :] += upd[i…, :] (repeated indices add)', arity: 2,
  infer: ([idx, upd], { size }) => {
    needIndices('scatterAdd', idx!);
    if (!Number.isInteger(size) || size < 0) throw new Error(`scatterAdd: size must be a non-negative integer, got ${size}`);
    const k = idx!.shape.length;
    if (upd!.shape.length < k || idx!.shape.some((d, i) => d !== upd!.shape[i])) {
      throw new Error(`scatterAdd: updates ${formatType(upd!)} must start with the indices' shape [${idx!.shape.join(', ')}]`);
    }
    if (upd!.dtype === 'bool') throw new Error('scatterAdd: bool updates; cast to a number type');
    return [{ dtype: upd!.dtype, shape: [size, ...upd!.shape.slice(k)] }];
  },
  compute: ([idx, upd], { size }, [s]) => {
    const w = sizeOf(s!) / Math.max(size, 1);
    const out = allocate(refDType(upd!.dtype), sizeOf(s!));
    for (let i = 0; i < idx!.size; i++) {
      const r = idx!.data[i]!;
      checkIndex('scatterAdd', r, size);
      for (let j = 0; j < w; j++) out[r * w + j]! += upd!.data[i * w + j]!;
    }
    return [new Tensor(refDType(upd!.dtype), s!, out)];
  },
  vjp: ({ inputs: [idx] }, [g]) => [null, gather(g!, idx!)],
  onnx: (e, { inputs: [idx, upd], outputs, outTypes: [out] }) => {
    const zeros = e.node('ConstantOfShape', [e.shape(out!.shape)], { value: { t: new Tensor(out!.dtype, [1]) } })[0]!;
    const i64 = e.node('Cast', [idx!], { to: { i: ONNX_INT64 } })[0]!;
    const col = e.node('Unsqueeze', [i64, e.int64s([-1])])[0]!;
    e.node('ScatterND', [zeros, col, upd!], { reduction: { s: 'add' } }, outputs);
  },
});

export const oneHotOp = defineOp<{ depth: number; dtype: DType }>({
  name: 'oneHot', doc: 'out[i…, c] = (idx[i…] == c), c < depth', arity: 1,
  infer: ([idx], { depth, dtype }) => {
    needIndices('oneHot', idx!);
    if (!Number.isInteger(depth) || depth < 1) throw new Error(`oneHot: depth must be a positive integer, got ${depth}`);
    if (!isFloat(dtype) && dtype !== 'int32') throw new Error(`oneHot: dtype must be a number type, got ${dtype}`);
    return [{ dtype, shape: [...idx!.shape, depth] }];
  },
  compute: ([idx], { depth, dtype }, [s]) => {
    const out = allocate(refDType(dtype), sizeOf(s!));
    for (let i = 0; i < idx!.size; i++) {
      const c = idx!.data[i]!;
      checkIndex('oneHot', c, depth);
      out[i * depth + c] = 1;
    }
    return [new Tensor(refDType(dtype), s!, out)];
  },
  // onnxruntime implements OneHot for int64 indices with float values, not int32: widen, then cast.
  onnx: (e, { inputs, outputs, attrs: { depth, dtype } }) => {
    const i64 = e.node('Cast', [inputs[0]!], { to: { i: ONNX_INT64 } })[0]!;
    const values = e.constant(new Tensor('float32', [2], new Float32Array([0, 1])));
    const asFloat = dtype === 'float32' ? outputs : undefined;
    const y = e.node('OneHot', [i64, e.int64s([depth]), values], { axis: { i: -1 } }, asFloat)[0]!;
    if (!asFloat) e.node('Cast', [y], { to: { i: ONNX_DTYPE[dtype] } }, outputs);
  },
});

function argExtreme(name: string, onnxOp: string, doc: string, better: (v: number, best: number) => boolean) {
  return defineOp<{ axis: number; keepDims: boolean }>({
    name, doc, arity: 1,
    infer: ([x], { axis, keepDims }) => {
      if (x!.dtype === 'bool') throw new Error(`${name}: bool input; cast to a number type`);
      if (!Number.isInteger(axis) || axis < 0 || axis >= x!.shape.length) throw new Error(`${name}: axis ${axis} is out of range for rank ${x!.shape.length}`);
      if (x!.shape[axis] === 0) throw new Error(`${name}: axis ${axis} has size 0, so there is no index to return`);
      const shape = x!.shape.flatMap((d, i) => (i === axis ? (keepDims ? [1] : []) : [d]));
      return [{ dtype: 'int32', shape }];
    },
    compute: ([x], { axis }, [s]) => {
      const n = x!.shape[axis]!, inner = x!.shape.slice(axis + 1).reduce((p, q) => p * q, 1);
      const outer = x!.size / Math.max(n * inner, 1);
      const out = new Int32Array(sizeOf(s!));
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          let best = 0, bv = x!.data[o * n * inner + i]!;
          for (let k = 1; k < n; k++) {
            const v = x!.data[(o * n + k) * inner + i]!;
            if (better(v, bv)) { bv = v; best = k; }
          }
          out[o * inner + i] = best;
        }
      }
      return [new Tensor('int32', s!, out)];
    },
    // ArgMax/ArgMin return int64; select_last_index = 0 keeps the first of ties, as the reference.
    onnx: (e, { inputs, outputs, attrs: { axis, keepDims } }) => {
      const i64 = e.node(onnxOp, inputs, { axis: { i: axis }, keepdims: { i: keepDims ? 1 : 0 } })[0]!;
      e.node('Cast', [i64], { to: { i: ONNX_DTYPE.int32 } }, outputs);
    },
  });
}

export const argmaxOp = argExtreme('argmax', 'ArgMax', 'index of the largest value along an axis (first on ties) → int32', (v, b) => v > b);
export const argminOp = argExtreme('argmin', 'ArgMin', 'index of the smallest value along an axis, first on ties → int32 (primitive: argmax(−x) breaks int32 at −2³¹)', (v, b) => v < b);
