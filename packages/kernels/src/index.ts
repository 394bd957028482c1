// @repkit/kernels: host kernels from one C++ source (native/src) as a Node-API addon or a wasm SIMD
// module, with a TypeScript fallback; kernels() picks native, else wasm, else TypeScript.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine, EngineName } from './engine.ts';
import { Kernels } from './kernels.ts';
import { loadNative, type Loaded } from './native.ts';
import { tsEngine } from './ts-engine.ts';
import { WasmEngine } from './wasm-engine.ts';

export { Kernels, bernoulliHeadProbabilities } from './kernels.ts';
export type { Cholesky, Csr, Eigh, KnnGraph, NegativeOptions, Neighbors, Ranks, ScoreOptions, StrongAugmentOptions, TopK } from './kernels.ts';
export type { Engine, EngineName, Metric } from './engine.ts';
export { WasmEngine, instantiateWasm } from './wasm-engine.ts';

export const WASM_MODULE = fileURLToPath(new URL('../../../wasm/kernels.wasm', import.meta.url));
const ORDER: EngineName[] = ['native', 'wasm', 'typescript'];

function loadWasm(): Loaded<Engine> & { sha256?: string } {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = new Uint8Array(readFileSync(WASM_MODULE));
  } catch (e) {
    return { reason: `cannot read ${WASM_MODULE} (${(e as NodeJS.ErrnoException).code}); restore it from git or run node wasm/build.mjs` };
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (!WebAssembly.validate(bytes)) return { reason: 'this JavaScript engine cannot compile the module: it needs WebAssembly SIMD128 (Node ≥ 16.4)' };
  try {
    return { engine: new WasmEngine(new WebAssembly.Instance(new WebAssembly.Module(bytes), {})), sha256 };
  } catch (e) {
    return { reason: `the module did not instantiate: ${(e as Error).message}` };
  }
}

let loaded: Record<EngineName, Loaded<Engine> & { sha256?: string }> | undefined;
const cache = new Map<EngineName, Kernels>();

function all(): NonNullable<typeof loaded> {
  loaded ??= { native: loadNative(), wasm: loadWasm(), typescript: { engine: tsEngine } };
  return loaded;
}

/** The engine REPKIT_KERNELS asks for, or undefined for the first available. */
function forced(): EngineName | undefined {
  const v = process.env.REPKIT_KERNELS;
  if (!v) return undefined;
  if (!ORDER.includes(v as EngineName)) throw new Error(`REPKIT_KERNELS must be one of ${ORDER.join(', ')} (or unset), got '${v}'`);
  return v as EngineName;
}

/**
 * Kernels on `engine`, or by default on the first available of native, wasm, TypeScript (or the one
 * REPKIT_KERNELS names). Throws with the reason when the engine asked for is not available here.
 */
export function kernels(engine?: EngineName): Kernels {
  const name = engine ?? forced() ?? ORDER.find((n) => all()[n].engine)!;
  if (!ORDER.includes(name)) throw new Error(`engine must be one of ${ORDER.join(', ')}, got '${name}'`);
  const l = all()[name];
  if (!l.engine) throw new Error(`@repkit/kernels: the ${name} engine is not available: ${l.reason}`);
  let k = cache.get(name);
  if (!k) cache.set(name, (k = new Kernels(l.engine)));
  return k;
}

export interface KernelsInfo {
  /** The engine kernels() uses here, or null when REPKIT_KERNELS asks for one that is unavailable. */
  engine: EngineName | null;
  /** Why that one: the first available, REPKIT_KERNELS, or what is wrong with REPKIT_KERNELS. */
  why: string;
  engines: Record<EngineName, { available: boolean; detail?: string; reason?: string; sha256?: string }>;
}

/** Which kernel engine is in use and why the others are not (for `repkit doctor`, key `kernels`). Never throws. */
export function kernelsInfo(): KernelsInfo {
  const l = all();
  let engine: EngineName | null = null, why: string;
  try {
    const want = forced();
    engine = kernels().engine.name;
    why = want ? `REPKIT_KERNELS=${want}` : engine === 'native' ? 'native addon loaded'
      : `first available (${ORDER.slice(0, ORDER.indexOf(engine)).map((n) => `${n}: ${l[n].reason}`).join('; ')})`;
  } catch (e) {
    why = (e as Error).message;
  }
  const engines = {} as KernelsInfo['engines'];
  for (const n of ORDER) {
    const e = l[n];
    engines[n] = e.engine
      ? { available: true, detail: e.engine.detail, ...(e.sha256 ? { sha256: e.sha256 } : {}), ...(n !== engine ? { reason: `available, not used: ${engine ?? 'none'} is selected` } : {}) }
      : { available: false, reason: e.reason };
  }
  return { engine, why, engines };
}
