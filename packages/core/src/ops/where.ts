// Elementwise select.
import { broadcastShapes, formatType } from '../ir/types.ts';
import { Tensor, allocate, sizeOf } from '../tensor.ts';
import { defineOp } from './registry.ts';
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
  onnx: (e, n) => void e.node('Where', n.inputs, {}, n.outputs),
});
