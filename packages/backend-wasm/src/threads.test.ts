// The threads option, in its own test process: tfjs-backend-wasm takes its thread count once per process.
import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { WasmBackend } from './index.ts';

it('reports the threads it got, and why when fewer than asked', async () => {
  const b = await WasmBackend.create({ threads: 2 });
  const multi = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  expect(b.info.requestedThreads).toBe(2);
  expect(b.describe()).toMatch(multi ? /, 2 threads, tfjs BatchMatMul \(repkit gemm off: [^)]+\)\), float32$/ : /, 1 thread, 2 requested but this runtime has no wasm threads, repkit gemm\), float32$/);
});
