// The public kernel API: validates at the boundary (errors name the argument and the fix), allocates
// outputs, and runs one Engine — native addon, wasm module or TypeScript, all bit-identical.
import { packRowRule, constraintMax, ruleSlots, type Philox, type RowProjection, type RowRule } from '@repkit/core';
import { checkFinitePixels, checkImages, checkMaxShift, checkWarpParams, quarterTurns, strongOptions, type StrongAugmentOptions } from './augment-args.ts';
import { METRICS, type Engine, type Metric } from './engine.ts';

export type { StrongAugmentOptions } from './augment-args.ts';

export interface Csr { offsets: Int32Array; indices: Int32Array }
export interface Ranks { optimistic: Float64Array; pessimistic: Float64Array; realistic: Float64Array }
export interface TopK { indices: Int32Array; values: Float64Array }
export interface Neighbors { neighbors: Int32Array; counts: Int32Array }
export interface Cholesky { factor: Float64Array; logdet: Float64Array }
export interface KnnGraph extends Csr { scores: Float64Array }
export interface Eigh { values: Float64Array; vectors: Float64Array }

export interface ScoreOptions {
  /** Embedding dimension d: queries hold B×d values, candidates E×d (row-major). */
  dim: number;
  /** Distance: 'l1' (default), 'l2' or 'l2-squared'. */
  metric?: Metric;
  /** Write the B×E scores here instead of a new array (a caller scoring batch after batch reuses one buffer). */
  out?: Float64Array;
}

export interface NegativeOptions {
  /** Number of entities E (ids 0..E−1); at least 2. */
  numEntities: number;
  /** Negatives per positive triple (default 1). */
  perTriple?: number;
  /** 'uniform' (default): head or tail with probability ½; 'bernoulli': per relation (Wang et al. 2014). */
  mode?: 'uniform' | 'bernoulli';
  /** For 'bernoulli': P(corrupt head) per relation id, e.g. from bernoulliHeadProbabilities. */
  headProbability?: Float64Array;
}

const U32_MAX = 0xffffffff;
const KNN_CHUNK_BYTES = 64 * 1024 * 1024; // score rows held at once while building a k-NN graph

function count(name: string, n: number, max = U32_MAX): number {
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`${name} must be an integer in [0, ${max}], got ${n}`);
  return n;
}

function typed<T>(name: string, a: unknown, ctor: { new (n: number): T; name: string }): T {
  if (!(a instanceof (ctor as unknown as new () => unknown))) {
    throw new Error(`${name} must be a ${ctor.name}, got ${(a as object)?.constructor?.name ?? a}; convert it with ${ctor.name}.from(...)`);
  }
  return a as T;
}

function finite(name: string, a: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) throw new Error(`${name}[${i}] is ${a[i]}; scores need finite inputs, so clean or drop that row first`);
  }
}

function ids(name: string, a: Int32Array, limit: number, stride = 1, at = 0): void {
  for (let i = at; i < a.length; i += stride) {
    if (a[i]! < 0 || a[i]! >= limit) throw new Error(`${name}[${i}] = ${a[i]} is outside [0, ${limit}); ids must index the ${limit} entries`);
  }
}

/** P(corrupt head) per relation, |tails| / (|heads| + |tails|) = tph / (tph + hpt) (Wang et al. 2014). */
export function bernoulliHeadProbabilities(triples: Int32Array, numRelations: number): Float64Array {
  typed('triples', triples, Int32Array);
  count('numRelations', numRelations, 2 ** 31);
  if (triples.length % 3) throw new Error(`triples must hold (head, relation, tail) rows, but its length ${triples.length} is not a multiple of 3`);
  ids('triples (relation column)', triples, numRelations, 3, 1);
  const heads = Array.from({ length: numRelations }, () => new Set<number>());
  const tails = Array.from({ length: numRelations }, () => new Set<number>());
  for (let i = 0; i < triples.length; i += 3) {
    heads[triples[i + 1]!]!.add(triples[i]!);
    tails[triples[i + 1]!]!.add(triples[i + 2]!);
  }
  return Float64Array.from(heads, (h, r) => (h.size ? tails[r]!.size / (h.size + tails[r]!.size) : 0.5));
}

export class Kernels {
  constructor(readonly engine: Engine) {}

  private stream<T>(rng: Philox, draw: (state: Uint32Array) => T): T {
    if (typeof (rng as Partial<Philox>)?.getState !== 'function') throw new Error('rng must be a Philox from @repkit/core, e.g. new Philox(seed)');
    const state = rng.getState();
    const out = draw(state);
    rng.setState(state);
    return out;
  }

  /**
   * out[i·width ..] = table[ids[i]·stride + offset ..], `width` floats, for i < n: the rows of a sparse
   * train step (a SparseTrainer's `rows` option takes this object). Native: memcpy with prefetch.
   */
  gatherRows(table: Float32Array, stride: number, ids: Int32Array, n: number, offset: number, width: number, out: Float32Array): void {
    this.checkRows(table, stride, ids, n, offset, width, out, 'out');
    this.engine.gatherRows(table, stride, ids, n, offset, width, out);
  }

  /** The inverse of gatherRows: table rows `ids` take the packed spans of `from`. */
  scatterRows(table: Float32Array, stride: number, ids: Int32Array, n: number, offset: number, width: number, from: Float32Array): void {
    this.checkRows(table, stride, ids, n, offset, width, from, 'from');
    this.engine.scatterRows(table, stride, ids, n, offset, width, from);
  }

  /**
   * Rows ids[0..n) (distinct) of a row-interleaved table (parameter span at 0, the rule's slots after it)
   * take one optimizer step in place from packed gradient rows grad [n, width], then the projection of
   * each `project.segment` floats of the parameter, while the row is in cache: a SparseTrainer's host update.
   */
  updateRows(rule: RowRule, hyper: Readonly<Record<string, number>>, table: Float32Array, stride: number, rowIds: Int32Array, n: number, width: number, grad: Float32Array, project?: RowProjection): void {
    const slots = ruleSlots(rule);
    if (width * (1 + slots) > stride) throw new Error(`a ${rule.kind} row holds the parameter and ${slots} slot(s): ${1 + slots} × width ${width} must fit in a row of ${stride} floats`);
    this.checkRows(table, stride, rowIds, n, 0, width, grad, 'grad');
    const segment = project?.segment ?? 0;
    if (project && (!Number.isInteger(segment) || segment < 1 || width % segment)) throw new Error(`project.segment ${segment} must be a positive integer that divides width ${width}`);
    const max = project ? constraintMax(project.constraint) : 0;
    const { code, params } = packRowRule(rule, hyper);
    this.engine.updateRows(table, stride, rowIds, n, width, grad, code, params, segment, max);
  }

  /** The table, ids and span are sound, and `buf` holds n packed spans. */
  private checkRows(table: Float32Array, stride: number, rowIds: Int32Array, n: number, offset: number, width: number, buf: Float32Array, name: string): void {
    typed('table', table, Float32Array);
    typed('ids', rowIds, Int32Array);
    typed(name, buf, Float32Array);
    count('stride', stride, 2 ** 31);
    if (!(stride >= 1) || table.length % stride) throw new Error(`stride ${stride} must divide the table's ${table.length} floats into rows`);
    if (!Number.isInteger(n) || n < 0 || n > rowIds.length) throw new Error(`n must be an integer in [0, ids.length = ${rowIds.length}], got ${n}`);
    if (!Number.isInteger(offset) || !Number.isInteger(width) || offset < 0 || width < 0 || offset + width > stride) {
      throw new Error(`offset ${offset} + width ${width} must fit in a row of ${stride} floats`);
    }
    if (buf.length < n * width) throw new Error(`${name} holds ${buf.length} floats; ${n} rows of ${width} need ${n * width}`);
    ids('ids', rowIds.subarray(0, n), table.length / stride);
  }

  /** n uint32 words of `rng`, as rng.nextU32() n times; advances rng. */
  u32(rng: Philox, n: number): Uint32Array {
    const out = new Uint32Array(count('n', n));
    return this.stream(rng, (s) => { this.engine.philoxU32(s, out); return out; });
  }

  /** n uniforms in [lo, hi), as rng.uniforms(n, lo, hi). */
  uniforms(rng: Philox, n: number, lo = 0, hi = 1): Float64Array {
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error(`uniforms: lo and hi must be finite, got [${lo}, ${hi})`);
    const out = new Float64Array(count('n', n));
    return this.stream(rng, (s) => { this.engine.philoxUniform(s, out, lo, hi); return out; });
  }

  /** n integers in [lo, hi) as int32, as rng.integers(n, lo, hi). */
  integers(rng: Philox, n: number, lo: number, hi: number): Int32Array {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < -(2 ** 31) || hi > 2 ** 31 || hi - lo < 1) {
      throw new Error(`integers: need int32 bounds lo < hi within [−2^31, 2^31], got [${lo}, ${hi})`);
    }
    const out = new Int32Array(count('n', n));
    return this.stream(rng, (s) => { this.engine.philoxInteger(s, out, lo, hi - lo); return out; });
  }

  /** n normals, as rng.normals(n, mean, std): Box–Muller on our deterministic log/sqrt/sin/cos. */
  normals(rng: Philox, n: number, mean = 0, std = 1): Float64Array {
    if (!Number.isFinite(mean) || !Number.isFinite(std)) throw new Error(`normals: mean and std must be finite, got ${mean}, ${std}`);
    const out = new Float64Array(count('n', n));
    return this.stream(rng, (s) => { this.engine.philoxNormal(s, out, mean, std); return out; });
  }

  /** scores[b·E + e] = −dist(queries_b, candidates_e): fused 1-vs-all, never materialising B×E×d. */
  score(queries: Float64Array, candidates: Float64Array, options: ScoreOptions): Float64Array {
    typed('queries', queries, Float64Array);
    typed('candidates', candidates, Float64Array);
    const d = count('options.dim', options?.dim);
    const metric = options.metric ?? 'l1';
    if (!(metric in METRICS)) throw new Error(`options.metric must be one of ${Object.keys(METRICS).join(', ')}, got '${metric}'`);
    if (d === 0 || queries.length % d || candidates.length % d) {
      throw new Error(`queries (${queries.length}) and candidates (${candidates.length}) must be whole rows of options.dim = ${d} values`);
    }
    finite('queries', queries);
    finite('candidates', candidates);
    const B = queries.length / d, E = candidates.length / d;
    if (options.out !== undefined) {
      typed('options.out', options.out, Float64Array);
      if (options.out.length !== B * E) throw new Error(`options.out holds ${options.out.length} values; the scores need B×E = ${B}×${E} = ${B * E}`);
    }
    const out = options.out ?? new Float64Array(B * E);
    this.engine.score(queries, B, candidates, E, d, METRICS[metric], out);
    return out;
  }

  /** Corrupted triples, perTriple per positive (rows of 3); the replaced entity never equals the true one. */
  negatives(triples: Int32Array, rng: Philox, options: NegativeOptions): Int32Array {
    typed('triples', triples, Int32Array);
    if (triples.length % 3) throw new Error(`triples must hold (head, relation, tail) rows, but its length ${triples.length} is not a multiple of 3`);
    const E = count('options.numEntities', options?.numEntities, 2 ** 31);
    if (E < 2) throw new Error(`options.numEntities must be at least 2 to corrupt a triple, got ${E}`);
    const k = count('options.perTriple', options.perTriple ?? 1);
    ids('triples (head column)', triples, E, 3, 0);
    ids('triples (tail column)', triples, E, 3, 2);
    let pHead: Float64Array | null = null;
    if ((options.mode ?? 'uniform') === 'bernoulli') {
      pHead = typed('options.headProbability (required for mode bernoulli; see bernoulliHeadProbabilities)', options.headProbability, Float64Array);
      ids('triples (relation column)', triples, pHead.length, 3, 1);
      for (const p of pHead) if (!(p >= 0 && p <= 1)) throw new Error(`options.headProbability must hold probabilities in [0, 1], got ${p}`);
    } else if (options.mode !== undefined && options.mode !== 'uniform') {
      throw new Error(`options.mode must be 'uniform' or 'bernoulli', got '${options.mode}'`);
    }
    const out = new Int32Array(count('triples × perTriple', (triples.length / 3) * k, Math.floor(2 ** 31 / 3)) * 3);
    return this.stream(rng, (s) => { this.engine.negatives(s, triples, E, k, pHead, out); return out; });
  }

  /**
   * Filtered ranks of each row's true id (row b = scores[b·E .. (b+1)·E), higher is better), ignoring the
   * ids in row b of `known` (sorted ascending, as csr(..., { dedupe: true }) builds): optimistic counts
   * ties in the truth's favour, pessimistic against it, realistic is their mean (PyKEEN's definitions).
   */
  filteredRanks(scores: Float64Array, trueIds: Int32Array, known: Csr): Ranks {
    typed('scores', scores, Float64Array);
    typed('trueIds', trueIds, Int32Array);
    const B = trueIds.length;
    if (B === 0 || scores.length % B) throw new Error(`scores (${scores.length}) must hold one row per true id (${B})`);
    const E = count('scores row length', scores.length / B);
    ids('trueIds', trueIds, E);
    const offsets = typed('known.offsets', known?.offsets, Int32Array), kn = typed('known.indices', known.indices, Int32Array);
    if (offsets.length !== B + 1 || offsets[0] !== 0 || offsets[B] !== kn.length) {
      throw new Error(`known must be a CSR with ${B + 1} offsets (one row per true id) from 0 to known.indices.length`);
    }
    ids('known.indices', kn, E);
    for (let b = 0; b < B; b++) {
      if (offsets[b + 1]! < offsets[b]!) throw new Error(`known.offsets must not decrease (row ${b})`);
      for (let j = offsets[b]! + 1; j < offsets[b + 1]!; j++) {
        if (kn[j]! < kn[j - 1]!) throw new Error(`known row ${b} must be sorted ascending; build it with csr(..., { dedupe: true })`);
      }
    }
    const r: Ranks = { optimistic: new Float64Array(B), pessimistic: new Float64Array(B), realistic: new Float64Array(B) };
    const nan = this.engine.filteredRanks(scores, B, E, trueIds, offsets, kn, r.optimistic, r.pessimistic, r.realistic);
    if (nan) throw new Error(`scores hold ${nan} NaN values in the ranked rows; ranks would be meaningless, so fix the model output first`);
    return r;
  }

  /** The k largest values of each row of length `cols`, best first (ties: lower index first). */
  topK(values: Float64Array, cols: number, k: number): TopK {
    typed('values', values, Float64Array);
    count('cols', cols);
    if (cols === 0 || values.length % cols) throw new Error(`values (${values.length}) must be whole rows of cols = ${cols}`);
    if (count('k', k) > cols) throw new Error(`k must be at most cols = ${cols}, got ${k}`);
    const B = values.length / cols;
    const out: TopK = { indices: new Int32Array(B * k), values: new Float64Array(B * k) };
    const nan = this.engine.topk(values, B, cols, k, out.indices, out.values);
    if (nan) throw new Error(`values hold ${nan} NaN entries; top-k has no order for them, so replace them (e.g. with -Infinity)`);
    return out;
  }

  /** CSR adjacency: row s lists dst of edges with src s, in edge order (or sorted and unique with dedupe). */
  csr(src: Int32Array, dst: Int32Array, numNodes: number, options: { dedupe?: boolean } = {}): Csr {
    typed('src', src, Int32Array);
    typed('dst', dst, Int32Array);
    if (src.length !== dst.length) throw new Error(`src and dst must have one entry per edge, got ${src.length} and ${dst.length}`);
    const n = count('numNodes', numNodes, 2 ** 31 - 2);
    ids('src', src, n);
    const offsets = new Int32Array(n + 1), indices = new Int32Array(src.length);
    const nnz = this.engine.csr(src, dst, n, offsets, indices, options.dedupe ? 1 : 0);
    return { offsets, indices: nnz === indices.length ? indices : indices.slice(0, nnz) };
  }

  /**
   * Up to k distinct neighbours of each seed, uniformly without replacement (GraphSAGE-style; Floyd's
   * algorithm, k draws per seed of higher degree). neighbors has k slots per seed, −1 padded.
   */
  sampleNeighbors(graph: Csr, seeds: Int32Array, k: number, rng: Philox): Neighbors {
    const offsets = typed('graph.offsets', graph?.offsets, Int32Array), indices = typed('graph.indices', graph.indices, Int32Array);
    typed('seeds', seeds, Int32Array);
    const n = offsets.length - 1;
    if (n < 0 || offsets[0] !== 0 || offsets[n] !== indices.length) throw new Error('graph must be a CSR: offsets from 0 to indices.length, as csr() builds');
    for (let i = 0; i < n; i++) if (offsets[i + 1]! < offsets[i]!) throw new Error(`graph.offsets must not decrease (row ${i})`);
    ids('seeds', seeds, n);
    const out: Neighbors = { neighbors: new Int32Array(seeds.length * count('k', k, 2 ** 31 - 1)), counts: new Int32Array(seeds.length) };
    return this.stream(rng, (s) => { this.engine.sampleNeighbors(s, offsets, indices, seeds, out.neighbors, k, out.counts); return out; });
  }

  /** Cholesky factors (lower, row-major) and log-determinants of a batch of n×n SPD matrices (lower triangle read). */
  cholesky(matrices: Float64Array, n: number): Cholesky {
    const batch = this.square(matrices, n);
    const out: Cholesky = { factor: new Float64Array(matrices.length), logdet: new Float64Array(batch) };
    const failed = this.engine.cholesky(matrices, batch, n, out.factor, out.logdet);
    if (failed) throw new Error(`matrices[${failed - 1}] is not positive definite; make it symmetric and add a small jitter εI to its diagonal`);
    return out;
  }

  /** Log-determinants of a batch of n×n SPD matrices (lower triangle read), from their Cholesky factors. */
  logdet(matrices: Float64Array, n: number): Float64Array {
    return this.cholesky(matrices, n).logdet;
  }

  /** n×n matrices (lower triangle read), validated; returns the batch size. */
  private square(matrices: Float64Array, n: number): number {
    typed('matrices', matrices, Float64Array);
    count('n', n, 46340);
    if (n === 0 || matrices.length % (n * n)) throw new Error(`matrices (${matrices.length}) must hold whole n×n matrices, n = ${n}`);
    finite('matrices', matrices);
    return matrices.length / (n * n);
  }

  /**
   * Eigendecomposition of a batch of symmetric n×n matrices (lower triangle read; cyclic Jacobi, meant
   * for n ≤ 64 or so): values ascending (n per matrix), vectors row-major n×n per matrix with the
   * eigenvector of values[j] in column j, signed so its largest-magnitude component (first on ties) is positive.
   */
  eigh(matrices: Float64Array, n: number): Eigh {
    const batch = this.square(matrices, n);
    const out: Eigh = { values: new Float64Array(batch * n), vectors: new Float64Array(matrices.length) };
    this.engine.eigh(matrices, batch, n, out.values, out.vectors);
    const bad = out.values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`matrices[${Math.floor(bad / n)}] overflowed during the eigendecomposition; scale it down (e.g. by its largest entry) first`);
    return out;
  }

  /**
   * Powers of a batch of SPD n×n matrices, V diag(λ^p) Vᵀ (lower triangle read; p = −½ whitens, ½ is the
   * square root, −1 the inverse; other p use a deterministic exp/log). Throws, naming the matrix, on an
   * eigenvalue ≤ 0.
   */
  spdPower(matrices: Float64Array, n: number, p: number): Float64Array {
    const batch = this.square(matrices, n);
    if (!Number.isFinite(p)) throw new Error(`p must be a finite exponent (e.g. -0.5, 0.5, -1), got ${p}`);
    const out = new Float64Array(matrices.length);
    const failed = this.engine.spdPower(matrices, batch, n, p, out);
    if (failed) {
      const b = failed - 1, min = this.eigh(matrices.subarray(b * n * n, (b + 1) * n * n), n).values[0];
      throw new Error(`matrices[${b}] is not positive definite (smallest eigenvalue ${min}); spdPower needs SPD matrices: make it symmetric and add a small jitter εI to its diagonal`);
    }
    return out;
  }

  /**
   * Weak augmentation α(x) (ssl-semi.md §5): each image shifted by whole pixels, zero fill,
   * out[v, u] = x[v − dy, u − dx]. Draws per image, in image order: dx then dy, each
   * rng.integer(−maxShift, maxShift + 1) (one 32-bit word unless rejected). Advances rng.
   */
  shiftImages(images: Float32Array, n: number, h: number, w: number, rng: Philox, maxShift = 1): Float32Array {
    checkImages(images, n, h, w);
    checkMaxShift(maxShift);
    const out = new Float32Array(images.length);
    return this.stream(rng, (s) => { this.engine.shiftImages(s, images, n, h, w, maxShift, out); return out; });
  }

  /**
   * Strong augmentation A(x) (ssl-semi.md §5), per image in this order: (1) affine warp, bilinear, zero
   * outside: output pixel p samples the input at c + R(−φ)(p − c − t)/s, c = ((h−1)/2, (w−1)/2), as torch
   * affine_grid + grid_sample (align_corners = False); φ > 0 turns the content clockwise as displayed
   * (v down); (2) contrast gain g, clip to [0, 1]; (3) additive N(0, noiseStd²) noise, clip to [0, 1];
   * (4) cutout: zero a cutout × cutout square whose top-left corner (row, column) is uniform in
   * {−1..h−2} × {−1..w−2} (partly outside allowed; {−1..6}² on 8×8). Float64 inside, float32 out.
   *
   * Draws per image, in image order, always all of them (whatever the options):
   * 5 uniforms as rng.uniform(), mapped lo + (hi − lo)·u: φ (degrees, ±maxRotationDeg), s (scale),
   * tx (columns, ±maxTranslate), ty (rows), g (contrast); then rng.normals(h·w, 0, noiseStd) (pixels in
   * row-major order, Box–Muller pairs of 4 words); then the cutout corner's column rng.integer(−1, w − 1),
   * then its row rng.integer(−1, h − 1). Advances rng.
   */
  strongAugment(images: Float32Array, n: number, h: number, w: number, rng: Philox, options?: StrongAugmentOptions): Float32Array {
    checkImages(images, n, h, w);
    const o = strongOptions(options);
    checkFinitePixels(images);
    const out = new Float32Array(images.length);
    return this.stream(rng, (s) => { this.engine.strongAugment(s, images, n, h, w, o, out); return out; });
  }

  /**
   * The warp stage of strongAugment with given parameters, in float64 (for tests against torch and for
   * callers that draw their own): params holds (rotation in degrees, scale, tx, ty) per image.
   */
  warpImages(images: Float32Array, n: number, h: number, w: number, params: Float64Array): Float64Array {
    checkImages(images, n, h, w);
    checkWarpParams(params, n);
    checkFinitePixels(images);
    const out = new Float64Array(images.length);
    this.engine.warpImages(images, n, h, w, params, out);
    return out;
  }

  /**
   * k counter-clockwise quarter turns of each image (np.rot90 on the spatial axes: an exact permutation);
   * k is one integer for all images or an Int32Array with one per image, any sign (taken mod 4). Odd k
   * needs square images (h = w).
   */
  rotate90(images: Float32Array, n: number, h: number, w: number, k: number | Int32Array): Float32Array {
    checkImages(images, n, h, w);
    const turns = quarterTurns(k, n, h, w);
    const out = new Float32Array(images.length);
    this.engine.rotate90(images, n, h, w, turns, out);
    return out;
  }

  /**
   * The exact k-NN graph of `points` (rows of options.dim values): row i lists its k nearest other points,
   * nearest first (ties: lower index), with scores = −distance. Built from score and top-k in row chunks.
   */
  knnGraph(points: Float64Array, options: ScoreOptions & { k: number }): KnnGraph {
    typed('points', points, Float64Array);
    const d = count('options.dim', options?.dim), k = count('options.k', options.k);
    if (d === 0 || points.length % d) throw new Error(`points (${points.length}) must be whole rows of options.dim = ${d} values`);
    const n = points.length / d;
    if (k >= n) throw new Error(`options.k must be below the number of points (${n}), got ${k}`);
    const out: KnnGraph = { offsets: Int32Array.from({ length: n + 1 }, (_, i) => i * k), indices: new Int32Array(n * k), scores: new Float64Array(n * k) };
    const rows = Math.max(1, Math.floor(KNN_CHUNK_BYTES / (8 * n)));
    for (let r0 = 0; r0 < n; r0 += rows) {
      const r1 = Math.min(n, r0 + rows);
      const s = this.score(points.subarray(r0 * d, r1 * d), points, options);
      for (let i = r0; i < r1; i++) s[(i - r0) * n + i] = -Infinity; // a point is not its own neighbour
      const top = this.topK(s, n, k);
      out.indices.set(top.indices, r0 * k);
      out.scores.set(top.values, r0 * k);
    }
    return out;
  }
}
