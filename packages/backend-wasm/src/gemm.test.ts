// repkit's gemm on tfjs's heap: every C(i,j) is the float32 sum over k in order, + bias, relu — bit for
// bit — for any shape, operand transposes and tile remainders; it writes nowhere but its output and
// scratch; its offsets survive heap growth; the embedded module is the build of wasm/src/gemm.cpp.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Philox, getBackend } from '@repkit/core';
import { GEMM_WASM_BASE64, GEMM_WASM_SHA256 } from './gemm-wasm.ts';
import { hasGemm, heapMatMul, useGemm } from './gemm.ts';
import './index.ts';
import { CLANG as pinned, rebuildSkipReason } from '../../../wasm/build.mjs';

await getBackend('wasm');
const rng = new Philox(7);
const bytes = Buffer.from(GEMM_WASM_BASE64, 'base64');

/** op(a)·op(b) + bias, relu, as the kernel promises to round it: fround after every product and sum. */
function expected(a: Float32Array, b: Float32Array, M: number, N: number, K: number, transA: boolean, transB: boolean, bias?: Float32Array, relu = false): Float32Array {
  const c = new Float32Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s = Math.fround(s + Math.fround(a[transA ? k * M + i : i * K + k]! * b[transB ? j * K + k : k * N + j]!));
      if (bias) s = Math.fround(s + bias[j]!);
      c[i * N + j] = relu && s < 0 ? 0 : s;
    }
  return c;
}

const rand = (n: number) => Float32Array.from(rng.uniforms(n, -1, 1));

describe('heapMatMul', () => {
  it('runs on this machine', () => expect(hasGemm()).toBe(true));

  it('gives the in-order float32 sums bit for bit, for every tile remainder, transpose, bias and relu', () => {
    const dims = [0, 1, 3, 4, 5, 8, 9, 17];
    let cases = 0;
    // Up to 64 rows B is read in place, beyond that packed: 70 takes the packed path.
    for (const M of [...dims, 70]) for (const N of dims) for (const K of [0, 1, 7, 33]) {
      const transA = (M + N + K) % 2 === 1, transB = (M * 3 + N + K) % 4 < 2, withBias = (M + K) % 3 !== 0, relu = (N + K) % 2 === 0;
      const a = rand(M * K), b = rand(K * N), bias = withBias ? rand(N) : undefined;
      const ta = tf.tensor2d(a, transA ? [K, M] : [M, K]), tb = tf.tensor2d(b, transB ? [N, K] : [K, N]), tbias = bias && tf.tensor1d(bias);
      const c = heapMatMul(ta, tb, { transA, transB, bias: tbias, relu });
      expect(c.shape).toEqual([M, N]);
      const got = c.dataSync() as Float32Array, want = expected(a, b, M, N, K, transA, transB, bias, relu);
      expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(want.buffer)), `M ${M} N ${N} K ${K} transA ${transA} transB ${transB}`).toBe(true);
      tf.dispose([ta, tb, c, ...(tbias ? [tbias] : [])]);
      cases++;
    }
    expect(cases).toBe(288);
  });

  it('keeps its operands where a heap growth moves nothing but the buffer', () => {
    const a = rand(3 * 2), b = rand(2 * 4);
    const ta = tf.tensor2d(a, [3, 2]), tb = tf.tensor2d(b, [2, 4]);
    const before = (tf.engine().backend as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    // An output of 64 MiB and more makes the heap grow while the operands are already placed.
    const big = tf.tensor2d(rand(4096 * 2), [4096, 2]), wide = tf.tensor2d(rand(2 * 4096), [2, 4096]);
    const c = heapMatMul(big, wide);
    const after = (tf.engine().backend as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    expect(after).toBeGreaterThan(before);
    const small = heapMatMul(ta, tb);
    expect(Array.from(small.dataSync())).toEqual(Array.from(expected(a, b, 3, 4, 2, false, false)));
    const row = c.dataSync().subarray(4095 * 4096), bigA = big.dataSync(), wideB = wide.dataSync();
    expect(row[17]).toBe(Math.fround(Math.fround(bigA[8190]! * wideB[17]!) + Math.fround(bigA[8191]! * wideB[4096 + 17]!)));
    tf.dispose([ta, tb, big, wide, c, small]);
  });

  it('can be turned off and on for the process', () => {
    expect(useGemm(false)).toBe(false);
    expect(hasGemm()).toBe(false);
    expect(useGemm(true)).toBe(true);
  });
});

describe('the gemm module', () => {
  it('is the embedded bytes its checksum names, importing only a memory, exporting rk_sgemm, with no data', () => {
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(GEMM_WASM_SHA256);
    // Section ids in order; 11 (data) would be written into tfjs's memory at instantiation.
    const ids: number[] = [];
    for (let p = 8; p < bytes.length; ) {
      ids.push(bytes[p++]!);
      let size = 0;
      for (let shift = 0, x = 0x80; x & 0x80; shift += 7) size |= ((x = bytes[p++]!) & 0x7f) << shift;
      p += size;
    }
    expect(ids).not.toContain(11);
    expect(ids).toContain(10);
    const m = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(m)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WebAssembly.Module.exports(m)).toEqual([{ name: 'rk_sgemm', kind: 'function' }]);
  });

  it("writes nowhere in the memory it imports but the product and the caller's scratch", async () => {
    // Every buffer above the 64 KiB that lld reserves for a stack, so a stack frame would show as a write there.
    const memory = new WebAssembly.Memory({ initial: 4 });
    const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
    const heap = new Uint8Array(memory.buffer);
    heap.fill(0xa5);
    const M = 13, N = 11, K = 9, f32 = new Float32Array(memory.buffer);
    const [A, B, BIAS, C, S] = [81920, 86016, 90112, 94208, 131072]; // byte offsets
    const scratchBytes = 4 * (8 * K + 32 + M * K);
    f32.set(rand(M * K), A / 4);
    f32.set(rand(K * N), B / 4);
    f32.set(rand(N), BIAS / 4);
    const before = heap.slice();
    const sgemm = instance.exports.rk_sgemm as (...args: number[]) => void;
    sgemm(M, N, K, A, 1, M, B, 1, K, BIAS, 1, C, S); // both operands transposed: A packed into the scratch
    const changed: number[] = [];
    for (let i = 0; i < heap.length; i++) if (heap[i] !== before[i]) changed.push(i);
    expect(changed.length).toBeGreaterThan(0);
    const inside = (i: number) => (i >= C && i < C + 4 * M * N) || (i >= S && i < S + scratchBytes);
    expect(changed.filter((i) => !inside(i))).toEqual([]);
  });

  const wasmDir = fileURLToPath(new URL('../../../wasm/', import.meta.url));
  const skip = rebuildSkipReason();
  if (skip) it.skip(`rebuild from wasm/src/gemm.cpp skipped: ${skip}`, () => {});
  else {
    it(`rebuilds from wasm/src/gemm.cpp to the same bytes (${pinned})`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'repkit-gemm-test-'));
      try {
        execFileSync(process.execPath, [join(wasmDir, 'build.mjs'), '--gemm-out', join(dir, 'g.wasm')], { stdio: 'pipe' });
        expect(readFileSync(join(dir, 'g.wasm')).equals(bytes), 'gemm-wasm.ts is stale: run `node wasm/build.mjs` and commit it').toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
