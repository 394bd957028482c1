// Batched matrix product over the last two dims; leading (batch) dims broadcast.
import { Tensor, allocate, sizeOf } from '../tensor.ts';
import { broadcastShapes, formatType } from '../ir/types.ts';
import { defineOp } from './registry.ts';
import { broadcastIndex, refDType } from './kernels.ts';
import { matmul, sumTo, swapLast } from './api.ts';

export const matmulOp = defineOp({
  name: 'matmul', doc: 'a @ b over the last two dims (rank ≥ 2), batch dims broadcast', arity: 2,
  infer: ([a, b]) => {
    if (a!.dtype !== b!.dtype || a!.dtype === 'bool') {
      throw new Error(`matmul: dtypes must match and be numeric (${formatType(a!)} vs ${formatType(b!)})`);
    }
    if (a!.shape.length < 2 || b!.shape.length < 2) {
      throw new Error(`matmul: both inputs need rank ≥ 2 (${formatType(a!)} @ ${formatType(b!)}); reshape vectors to [1, n] or [n, 1]`);
    }
    const [m, k] = a!.shape.slice(-2), [k2, n] = b!.shape.slice(-2);
    if (k !== k2) throw new Error(`matmul: inner dims differ (${formatType(a!)} @ ${formatType(b!)})`);
    const batch = broadcastShapes(a!.shape.slice(0, -2), b!.shape.slice(0, -2), 'matmul batch dims');
    return [{ dtype: a!.dtype, shape: [...batch, m!, n!] }];
  },
  compute: ([a, b], _, [s]) => {
    const r = s!.length, M = s![r - 2]!, N = s![r - 1]!, K = a!.shape[a!.rank - 1]!;
    const batch = s!.slice(0, -2);
    const ia = broadcastIndex(a!.shape.slice(0, -2), batch), ib = broadcastIndex(b!.shape.slice(0, -2), batch);
    const x = a!.data, y = b!.data, dtype = refDType(a!.dtype);
    const out = allocate(dtype, sizeOf(s!));
    const row = new Float64Array(N);
    for (let p = 0; p < ia.length; p++) {
      const ao = ia[p]! * M * K, bo = ib[p]! * K * N, oo = p * M * N;
      for (let i = 0; i < M; i++) {
        row.fill(0);
        for (let k = 0; k < K; k++) {
          const aik = x[ao + i * K + k]!;
          const bk = bo + k * N;
          for (let j = 0; j < N; j++) row[j]! += aik * y[bk + j]!;
        }
        for (let j = 0; j < N; j++) out[oo + i * N + j] = row[j]!;
      }
    }
    return [new Tensor(dtype, s!, out)];
  },
  vjp: ({ inputs: [a, b] }, [g]) => [sumTo(matmul(g!, swapLast(b!)), a!.shape), sumTo(matmul(swapLast(a!), g!), b!.shape)],
  onnx: (e, n) => void e.node('MatMul', n.inputs, {}, n.outputs),
});
