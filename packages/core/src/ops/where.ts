// Elementwise select.
import { broadcastShapes, formatType } from '../ir/types.ts';
import { Tensor, allocate, sizeOf } from '../tensor.ts';
import { defineOp, ONNX_DTYPE } from './registry.ts';
import { broadcastIndex, refDType } from './kernels.ts';
import { sumTo, where } from './api.ts';

export const whereOp = defineOp({
  name: 'where', doc: 'cond ? a : b with broadcasting', arity: 3,
  infer: ([c, a, b]) => {
    if (c!.dtype !== 'bool') throw new Error(`where: condition must be bool, got ${formatType(c!)}`);
    if (a!.dtype !== b!.dtype) throw new Error(`where: branch dtypes differ (${formatType(a!)} vs ${formatType(b!)})`);
    return [{ dtype: a!.dtype, shape: broadcastShapes(broadcastShapes(c!.shape, a!.shape, 'where'), b!.shape, 'where') }];
  },
  compute: ([c, a, b], _, [s]) => {
    const n = sizeOf(s!);
    const out = allocate(refDType(a!.dtype), n);
    const ic = broadcastIndex(c!.shape, s!), ia = broadcastIndex(a!.shape, s!), ib = broadcastIndex(b!.shape, s!);
    for (let i = 0; i < n; i++) out[i] = c!.data[ic[i]!] ? a!.data[ia[i]!]! : b!.data[ib[i]!]!;
    return [new Tensor(refDType(a!.dtype), s!, out)];
  },
  vjp: ({ inputs: [c, a, b] }, [g]) => [null, sumTo(where(c!, g!, 0), a!.shape), sumTo(where(c!, 0, g!), b!.shape)],
  // onnxruntime's CPU provider has no bool Where: select int32 and cast back.
  onnx: (e, n) => {
    if (n.outTypes[0]!.dtype !== 'bool') return void e.node('Where', n.inputs, {}, n.outputs);
    const i32 = (v: string): string => e.node('Cast', [v], { to: { i: ONNX_DTYPE.int32 } })[0]!;
    const sel = e.node('Where', [n.inputs[0]!, i32(n.inputs[1]!), i32(n.inputs[2]!)])[0]!;
    e.node('Cast', [sel], { to: { i: ONNX_DTYPE.bool } }, n.outputs);
  },
});
