// The contract each kernel implementation meets: the native addon (native/src/binding.cpp), the wasm
// module (wasm-engine.ts over wasm/kernels.wasm) and TypeScript (ts-engine.ts). Arguments arrive
// validated and outputs preallocated by Kernels (kernels.ts); `state` is a Philox.getState() array
// that each stream kernel advances in place.

export type EngineName = 'native' | 'wasm' | 'typescript';

/** Distance codes shared with the C++ kernels. */
export const METRICS = { l1: 0, l2: 1, 'l2-squared': 2 } as const;
export type Metric = keyof typeof METRICS;

export interface Engine {
  readonly name: EngineName;
  /** How this engine computes: SIMD flavour or interpreter, for reports. */
  readonly detail: string;
  philoxU32(state: Uint32Array, out: Uint32Array): void;
  philoxUniform(state: Uint32Array, out: Float64Array, lo: number, hi: number): void;
  philoxInteger(state: Uint32Array, out: Int32Array, lo: number, span: number): void;
  philoxNormal(state: Uint32Array, out: Float64Array, mean: number, std: number): void;
  score(q: Float64Array, B: number, ent: Float64Array, E: number, d: number, metric: number, out: Float64Array): void;
  negatives(state: Uint32Array, triples: Int32Array, numEntities: number, k: number, pHead: Float64Array | null, out: Int32Array): void;
  sampleNeighbors(state: Uint32Array, offsets: Int32Array, indices: Int32Array, seeds: Int32Array, out: Int32Array, k: number, counts: Int32Array): void;
  /** Returns 0, or 1 + the index of the first matrix that is not positive definite. */
  cholesky(a: Float64Array, batch: number, n: number, factor: Float64Array, logdet: Float64Array): number;
  /** Returns the number of NaN scores seen. */
  filteredRanks(scores: Float64Array, B: number, E: number, trueIds: Int32Array, offsets: Int32Array, ids: Int32Array,
    optimistic: Float64Array, pessimistic: Float64Array, realistic: Float64Array): number;
  /** Returns the number of NaN values seen. */
  topk(x: Float64Array, B: number, n: number, k: number, idx: Int32Array, val: Float64Array): number;
  /** Returns the number of stored entries (m, or fewer after dedupe). */
  csr(src: Int32Array, dst: Int32Array, numNodes: number, offsets: Int32Array, indices: Int32Array, dedupe: number): number;
}
