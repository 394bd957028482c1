// Browser and worker entry: the same Kernels over the wasm module, fetched or given as bytes.
// (Node callers use the package root, which also finds the native addon.)
import { Kernels } from './kernels.ts';
import { instantiateWasm } from './wasm-engine.ts';

export { Kernels, bernoulliHeadProbabilities } from './kernels.ts';
export type { Cholesky, Csr, Eigh, KnnGraph, NegativeOptions, Neighbors, Ranks, ScoreOptions, StrongAugmentOptions, TopK } from './kernels.ts';

/** Where the module lies next to this package in the repository (bundlers rewrite this URL). */
export const WASM_URL = new URL('../../../wasm/kernels.wasm', import.meta.url);

/** Kernels on the wasm module, from its bytes, a fetch Response, or a URL (default WASM_URL). */
export async function loadWasmKernels(source: BufferSource | Response | URL | string = WASM_URL): Promise<Kernels> {
  let bytes: BufferSource;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    bytes = source;
  } else {
    const res = source instanceof Response ? source : await fetch(source);
    if (!res.ok) throw new Error(`loadWasmKernels: fetching ${res.url || String(source)} gave HTTP ${res.status}; serve wasm/kernels.wasm at that URL`);
    bytes = await res.arrayBuffer();
  }
  return new Kernels(await instantiateWasm(bytes));
}
