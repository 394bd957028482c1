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
  /** Ascending eigenvalues, eigenvectors as columns (largest-magnitude component positive). */
  eigh(a: Float64Array, batch: number, n: number, values: Float64Array, vectors: Float64Array): void;
  /** V diag(λ^p) Vᵀ; returns 0, or 1 + the index of the first matrix with an eigenvalue ≤ 0. */
  spdPower(a: Float64Array, batch: number, n: number, p: number, out: Float64Array): number;
  /** Images are float32 n×h×w; draw orders are documented on Kernels. */
  shiftImages(state: Uint32Array, images: Float32Array, n: number, h: number, w: number, maxShift: number, out: Float32Array): void;
  /** params: 4 per image (rotation in degrees, scale, tx, ty). */
  warpImages(images: Float32Array, n: number, h: number, w: number, params: Float64Array, out: Float64Array): void;
  /** options: maxRotationDeg, scale lo, scale hi, maxTranslate, contrast lo, contrast hi, noiseStd, cutout. */
  strongAugment(state: Uint32Array, images: Float32Array, n: number, h: number, w: number, options: Float64Array, out: Float32Array): void;
  /** k[i] in 0..3 counter-clockwise quarter turns. */
  rotate90(images: Float32Array, n: number, h: number, w: number, k: Int32Array, out: Float32Array): void;
  /** Returns the number of NaN scores seen. */
  filteredRanks(scores: Float64Array, B: number, E: number, trueIds: Int32Array, offsets: Int32Array, ids: Int32Array,
    optimistic: Float64Array, pessimistic: Float64Array, realistic: Float64Array): number;
  /** Returns the number of NaN values seen. */
  topk(x: Float64Array, B: number, n: number, k: number, idx: Int32Array, val: Float64Array): number;
  /** One `width`-float span at `offset` of table rows `ids[0..n)` (rows of `stride` floats) to or from a packed buffer. */
  gatherRows(table: Float32Array, stride: number, ids: Int32Array, n: number, offset: number, width: number, out: Float32Array): void;
  scatterRows(table: Float32Array, stride: number, ids: Int32Array, n: number, offset: number, width: number, from: Float32Array): void;
  /**
   * Rows ids[0..n) take one optimizer step in place from grad [n, width] (`code`/`params` from core's
   * packRowRule); then, if segment > 0, each `segment` of the parameter span gets unit norm (max ≤ 0) or norm ≤ max.
   */
  updateRows(table: Float32Array, stride: number, ids: Int32Array, n: number, width: number, grad: Float32Array, code: number, params: Float64Array, segment: number, max: number): void;
  /** Returns the number of stored entries (m, or fewer after dedupe). */
  csr(src: Int32Array, dst: Int32Array, numNodes: number, offsets: Int32Array, indices: Int32Array, dedupe: number): number;
}
