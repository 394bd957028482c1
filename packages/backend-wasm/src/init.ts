// Starts tfjs-core on the wasm backend once per process; every WasmBackend shares that engine.
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { startGemm } from './gemm.ts';

export interface WasmInitOptions {
  /** XNNPACK threads (default 1: benchmarks are single-threaded). Fixed for the process at first init. */
  threads?: number;
  /** Folder (or URL prefix, ending in '/') holding the tfjs-backend-wasm .wasm files; default: resolved from node_modules. */
  wasmPaths?: string;
}

export interface WasmInfo {
  /** Version of @tensorflow/tfjs-backend-wasm. */
  readonly version: string;
  /** Whether the SIMD build was loaded (WASM_HAS_SIMD_SUPPORT). */
  readonly simd: boolean;
  /** Threads XNNPACK actually uses (1 where the runtime has no wasm threads, e.g. Node). */
  readonly threads: number;
  /** Threads that were asked for. */
  readonly requestedThreads: number;
  /** What runs float32 matrix products: repkit's SIMD kernel on tfjs's heap, or tfjs's BatchMatMul and why. */
  readonly matmul: string;
}

let started: { threads: number; info: Promise<WasmInfo> } | undefined;

/** The dist/ folder of @tensorflow/tfjs-backend-wasm, found the way Node resolves the package. */
async function defaultWasmPaths(): Promise<string> {
  // node:module is loaded lazily so that bundles for browsers, which pass wasmPaths, never need it.
  const { createRequire } = await import('node:module');
  const { dirname, join, sep } = await import('node:path');
  const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return join(dirname(pkg), 'dist') + sep;
}

async function start(threads: number, wasmPaths?: string): Promise<WasmInfo> {
  // Both setters must run before setBackend('wasm'), which loads and instantiates the module.
  setWasmPaths(wasmPaths ?? (await defaultWasmPaths()));
  setThreadsCount(threads);
  const ok = await tf.setBackend('wasm');
  if (!ok || tf.getBackend() !== 'wasm') {
    throw new Error(`WasmBackend: tfjs could not start its wasm backend; check that the .wasm files of @tensorflow/tfjs-backend-wasm ${version_wasm} are in ${wasmPaths ?? 'its dist/ folder'} (option wasmPaths)`);
  }
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const multi = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  const whyNot = simd ? await startGemm() : 'no wasm SIMD';
  const matmul = whyNot ? `tfjs BatchMatMul (repkit gemm off: ${whyNot})` : 'repkit gemm';
  return { version: version_wasm, simd, threads: multi ? getThreadsCount() : 1, requestedThreads: threads, matmul };
}

/** Start (once) and describe the shared tfjs wasm engine. */
export function initWasm(opts: WasmInitOptions = {}): Promise<WasmInfo> {
  const threads = opts.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`WasmBackend: threads must be a positive integer, got ${threads}`);
  }
  if (started && started.threads !== threads) {
    throw new Error(`WasmBackend: tfjs-backend-wasm already runs with threads = ${started.threads} in this process and cannot restart; create every WasmBackend with the same threads option`);
  }
  if (!started) {
    const info = start(threads, opts.wasmPaths);
    started = { threads, info };
    // A failed start may be retried (e.g. after fixing wasmPaths).
    info.catch(() => { if (started?.info === info) started = undefined; });
  }
  return started.info;
}
