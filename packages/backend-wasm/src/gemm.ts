// The wasm backend's float32 matrix product: repkit's 4×8 SIMD kernel (wasm/src/gemm.cpp), run on
// tfjs-backend-wasm's own heap by importing its memory, so operands are read in place, transposed or not.
// In one process tfjs 4.22's BatchMatMul (XNNPACK, weights re-packed each call) ran a [400,256]·[256,256]
// product at 26 GFLOP/s and fell to a scalar loop for transposed operands; this kernel runs 38–40.
import * as tf from '@tensorflow/tfjs-core';
import { GEMM_WASM_BASE64 } from './gemm-wasm.ts';
import { backend, output, view } from './heap.ts';

interface GemmExports {
  rk_sgemm(M: number, N: number, K: number, a: number, asI: number, asK: number, b: number, bsK: number, bsJ: number, bias: number, relu: number, c: number, scratch: number): void;
}

let gemm: GemmExports | undefined;

/**
 * Instantiate the kernel over the running tfjs wasm engine's memory. Returns why it cannot where it
 * cannot (matmuls then stay on tfjs's BatchMatMul): the threaded build's memory is shared (and XNNPACK
 * uses the threads), or the runtime lacks wasm SIMD.
 */
export async function startGemm(): Promise<string | null> {
  const { wasm } = backend();
  const memory = wasm.asm?.memory ?? wasm.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return 'tfjs-backend-wasm exposes no memory to import';
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return 'the threaded build shares its memory; XNNPACK runs the threads';
  try {
    const bytes = Uint8Array.from(atob(GEMM_WASM_BASE64), (c) => c.charCodeAt(0));
    const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
    gemm = instance.exports as unknown as GemmExports;
    return null;
  } catch (e) {
    return `the gemm module did not instantiate (${(e as Error).message})`;
  }
}

let enabled = true;

/** Whether matmuls run on repkit's kernel: it started, and useGemm has not turned it off. */
export const hasGemm = (): boolean => gemm !== undefined && enabled;

/**
 * Turn repkit's kernel off (tfjs's BatchMatMul then runs every product) or back on, for the whole process:
 * for A/B measurements and tests. Graphs compiled before keep their fusions, which lower either way.
 * Returns whether the kernel is in use now.
 */
export function useGemm(on: boolean): boolean {
  enabled = on;
  return hasGemm();
}

/** Run `f` (compile and run) with matmuls on repkit's gemm (true) or on tfjs's BatchMatMul (false); the gemm is back on after. */
export async function withGemm<T>(on: boolean, f: () => Promise<T>): Promise<T> {
  useGemm(on);
  try {
    return await f();
  } finally {
    useGemm(true);
  }
}

export interface GemmOptions {
  /** Read a [k, m] as its transpose. */
  transA?: boolean;
  /** Read b [n, k] as its transpose. */
  transB?: boolean;
  /** Added to each row of the product ([n], float32). */
  bias?: tf.Tensor;
  relu?: boolean;
}

/** op(a)·op(b) (+ bias) (relu) for 2-D float32 tensors on the wasm heap; shapes are the caller's to check. */
export function heapMatMul(a: tf.Tensor, b: tf.Tensor, o: GemmOptions = {}): tf.Tensor {
  if (!gemm) throw new Error('heapMatMul: the gemm module is not started');
  const [M, K] = o.transA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const N = o.transB ? b.shape[0]! : b.shape[1]!;
  const kernel = gemm;
  return output([M, N], 'float32', (be, out) => {
    if (M * N === 0) return;
    // Offsets, unlike views, survive the heap growth the allocations may cause.
    const at = (t: tf.Tensor) => (t.size > 0 ? be.getMemoryOffset(t.dataId) : 0);
    const c = be.getMemoryOffset(out.dataId), scratch = be.wasm._malloc(4 * (8 * K + 32 + (o.transA ? M * K : 0)));
    try {
      // tfjs's malloc returns 0 when the heap cannot grow: the kernel would write over tfjs's own data.
      if (!scratch || !c) throw new Error(`matmul on wasm: out of wasm memory for a [${M}, ${K}]·[${K}, ${N}] product`);
      kernel.rk_sgemm(M, N, K, at(a), o.transA ? 1 : K, o.transA ? M : 1, at(b), o.transB ? 1 : N, o.transB ? K : 1,
        o.bias ? at(o.bias) : 0, o.relu ? 1 : 0, c, scratch);
    } finally {
      if (scratch) be.wasm._free(scratch);
    }
  });
}

/**
 * Sums over the leading axes of a float32 x: rows · cols viewed as [rows, cols], summed down the rows in
 * order as ones[1, rows]·x on the gemm. tfjs 4.22's Sum over axis 0 of [256, 256] took 0.22 ms; this 0.06.
 */
export function leadingSums(x: tf.Tensor, rows: number): tf.Tensor {
  const ones = output([1, rows], 'float32', (be, out) => be.typedArrayFromHeap(out).fill(1));
  const x2 = view(x, [rows, x.size / rows]);
  try {
    return heapMatMul(ones, x2);
  } finally {
    ones.dispose();
    x2.dispose();
  }
}
