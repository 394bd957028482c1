// WasmBackend: core's Backend on @tensorflow/tfjs-core + @tensorflow/tfjs-backend-wasm (SIMD), float32.
import type { Backend, Graph } from '@repkit/core';
import { WasmExecutable } from './executable.ts';
import { initWasm, type WasmInfo, type WasmInitOptions } from './init.ts';

export type WasmBackendOptions = WasmInitOptions;

export class WasmBackend implements Backend {
  readonly name = 'wasm';

  private constructor(readonly info: WasmInfo) {}

  /** Start tfjs on its wasm backend (once per process) and return a backend over it. */
  static async create(opts: WasmBackendOptions = {}): Promise<WasmBackend> {
    return new WasmBackend(await initWasm(opts));
  }

  describe(): string {
    const { version, simd, threads, requestedThreads, matmul } = this.info;
    const asked = requestedThreads !== threads ? `, ${requestedThreads} requested but this runtime has no wasm threads` : '';
    return `wasm (tfjs-backend-wasm ${version}, ${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}${asked}, ${matmul}), float32`;
  }

  async compile(graph: Graph): Promise<WasmExecutable> {
    return WasmExecutable.compile(graph);
  }
}
