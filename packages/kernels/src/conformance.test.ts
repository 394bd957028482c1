// Native, wasm and TypeScript kernels agree bit for bit over thousands of random inputs (the float
// kernels too: each build sums in the same order), and the TypeScript ones match brute-force references.
import { describe, expect, it } from 'vitest';
import { Philox } from '@repkit/core';
import { kernels, kernelsInfo, type EngineName, type Kernels } from './index.ts';

const info = kernelsInfo();
const others: EngineName[] = ['native', 'wasm'];
const ts = kernels('typescript');

type Arr = Uint32Array | Int32Array | Float32Array | Float64Array;
/** Same bytes (so −0 ≠ 0 and NaN payloads count); on failure, the first index that differs. */
function same(a: Arr, b: Arr, what: string): void {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  let at = x.length === y.length ? -1 : 0;
  for (let i = 0; at < 0 && i < x.length; i++) if (x[i] !== y[i]) at = Math.floor(i / a.BYTES_PER_ELEMENT);
  expect(at < 0 ? 'identical' : `${what}: differs at ${at}: ${a[at]} vs ${b[at]}`).toBe('identical');
}

/** A random stream position: any seed, stream, block (near the 2^32 carry too) and lane. */
function randomRng(r: Philox): Philox {
  const rng = new Philox(BigInt(r.nextU32()) * 2n ** 32n + BigInt(r.nextU32()), r.nextU32(), r.integer(0, 3) === 0 ? 2 ** 32 - 1 : r.nextU32());
  for (let i = r.integer(0, 4); i > 0; i--) rng.nextU32();
  return rng;
}

/** Values with ties and mixed magnitudes: what breaks a summation order or a tie rule. */
function values(r: Philox, n: number, ties: boolean): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = ties ? r.integer(-3, 4) / 2 : (r.uniform() - 0.5) * 10 ** r.integer(-3, 4);
  return v;
}

describe.each(others)('%s kernels equal the TypeScript kernels', (name) => {
  const reason = info.engines[name].reason;
  const k = info.engines[name].available ? kernels(name) : undefined;
  const test = it.skipIf(!k);
  if (!k) it.skip(`${name} skipped: ${reason}`, () => {});

  test('Philox words, uniforms, integers and normals: same values, same stream position after', () => {
    const r = new Philox(101);
    for (let t = 0; t < 3000; t++) {
      const a = randomRng(r), b = new Philox().setState(a.getState());
      const n = r.integer(0, t % 10 === 0 ? 300 : 9);
      const kind = t % 4;
      const lo = r.integer(-1000, 1000), hi = kind === 2 && t % 8 === 2 ? lo + 2 ** 31 - 1 : lo + r.integer(1, 1000);
      const pick = (x: Kernels): Arr =>
        kind === 0 ? x.u32(a, n)
          : kind === 1 ? x.uniforms(a, n, lo, hi)
            : kind === 2 ? x.integers(a, n, Math.max(lo, -(2 ** 31)), Math.min(hi, 2 ** 31))
              : x.normals(a, n, lo / 100, hi / 100);
      const got = pick(k!);
      const want = kind === 0 ? ts.u32(b, n) : kind === 1 ? ts.uniforms(b, n, lo, hi)
        : kind === 2 ? ts.integers(b, n, Math.max(lo, -(2 ** 31)), Math.min(hi, 2 ** 31)) : ts.normals(b, n, lo / 100, hi / 100);
      same(got, want, `stream kind ${kind}, n ${n}`);
      same(a.getState(), b.getState(), 'stream position');
    }
  });

  test('L1, L2 and squared-L2 scores, odd and even dimensions', () => {
    const r = new Philox(102);
    for (let t = 0; t < 600; t++) {
      const d = t < 10 ? t + 1 : r.integer(1, 40), B = r.integer(1, 6), E = r.integer(1, 140);
      const q = values(r, B * d, t % 7 === 0), e = values(r, E * d, t % 7 === 0);
      for (const metric of ['l1', 'l2', 'l2-squared'] as const) {
        same(k!.score(q, e, { dim: d, metric }), ts.score(q, e, { dim: d, metric }), `${metric} d=${d} B=${B} E=${E}`);
      }
    }
  });

  // The x86-64 addon picks an AVX2 scoring path at run time where the CPU has it; an 8th argument
  // `false` forces its SSE2 path, so both are checked here (elsewhere the argument is ignored).
  if (name === 'native') test('scores: the SSE2 and the AVX2 paths of the addon, every block shape and chunk tail', () => {
    const score = k!.engine.score as (...args: [...Parameters<Kernels['engine']['score']>, boolean]) => void;
    const r = new Philox(107);
    for (let t = 0; t < 400; t++) {
      const d = r.integer(1, 24), B = r.integer(1, 10), E = r.integer(1, 300);
      const q = values(r, B * d, t % 5 === 0), e = values(r, E * d, t % 5 === 0);
      for (const [m, metric] of (['l1', 'l2', 'l2-squared'] as const).entries()) {
        const want = ts.score(q, e, { dim: d, metric });
        for (const allowAvx2 of [true, false]) {
          const out = new Float64Array(B * E);
          score(q, B, e, E, d, m, out, allowAvx2);
          same(out, want, `${metric} d=${d} B=${B} E=${E} ${allowAvx2 ? 'best path' : 'SSE2 path'}`);
        }
      }
    }
  });

  test('negative sampling, uniform and Bernoulli', () => {
    const r = new Philox(103);
    for (let t = 0; t < 1000; t++) {
      const E = r.integer(2, 50), R = r.integer(1, 5), n = r.integer(0, 20), perTriple = r.integer(1, 5);
      const triples = new Int32Array(3 * n);
      for (let i = 0; i < n; i++) triples.set([r.integer(0, E), r.integer(0, R), r.integer(0, E)], 3 * i);
      const headProbability = Float64Array.from({ length: R }, () => r.uniform());
      const opts = t % 2 ? { numEntities: E, perTriple } : { numEntities: E, perTriple, mode: 'bernoulli' as const, headProbability };
      const a = randomRng(r), b = new Philox().setState(a.getState());
      same(k!.negatives(triples, a, opts), ts.negatives(triples, b, opts), `negatives E=${E} n=${n}`);
      same(a.getState(), b.getState(), 'stream position');
    }
  });

  test('filtered ranks, top-k and CSR', () => {
    const r = new Philox(104);
    for (let t = 0; t < 1000; t++) {
      const B = r.integer(1, 6), E = r.integer(1, 60);
      const scores = values(r, B * E, t % 2 === 0);
      const trueIds = Int32Array.from({ length: B }, () => r.integer(0, E));
      const m = r.integer(0, 3 * B);
      const known = ts.csr(Int32Array.from({ length: m }, () => r.integer(0, B)), Int32Array.from({ length: m }, () => r.integer(0, E)), B, { dedupe: true });
      const [x, y] = [k!.filteredRanks(scores, trueIds, known), ts.filteredRanks(scores, trueIds, known)];
      for (const key of ['optimistic', 'pessimistic', 'realistic'] as const) same(x[key], y[key], key);
      const kk = r.integer(0, E + 1);
      const [p, q] = [k!.topK(scores, E, kk), ts.topK(scores, E, kk)];
      same(p.indices, q.indices, 'top-k indices');
      same(p.values, q.values, 'top-k values');
      const src = Int32Array.from({ length: m }, () => r.integer(0, E)), dst = Int32Array.from({ length: m }, () => r.integer(-5, 9));
      for (const dedupe of [false, true]) {
        const [c, w] = [k!.csr(src, dst, E, { dedupe }), ts.csr(src, dst, E, { dedupe })];
        same(c.offsets, w.offsets, 'csr offsets');
        same(c.indices, w.indices, 'csr indices');
      }
    }
  });
});

describe.each(others)('%s graph and linear-algebra kernels equal the TypeScript kernels', (name) => {
  const k = info.engines[name].available ? kernels(name) : undefined;
  const test = it.skipIf(!k);

  test('neighbour sampling, k-NN graphs and Cholesky', () => {
    const r = new Philox(105);
    for (let t = 0; t < 1000; t++) {
      const n = r.integer(1, 30), m = r.integer(0, 200);
      const g = ts.csr(r.integers(m, 0, n), r.integers(m, 0, 50), n, { dedupe: t % 2 === 0 });
      const seeds = r.integers(r.integer(0, 10), 0, n), kk = r.integer(0, 8);
      const a = randomRng(r), b = new Philox().setState(a.getState());
      const [x, y] = [k!.sampleNeighbors(g, seeds, kk, a), ts.sampleNeighbors(g, seeds, kk, b)];
      same(x.neighbors, y.neighbors, 'neighbours');
      same(x.counts, y.counts, 'neighbour counts');
      same(a.getState(), b.getState(), 'stream position');
      const d = r.integer(1, 12), pts = values(r, (n + 1) * d, t % 3 === 0);
      const [p, q] = [k!.knnGraph(pts, { dim: d, k: Math.min(n, 5), metric: 'l2' }), ts.knnGraph(pts, { dim: d, k: Math.min(n, 5), metric: 'l2' })];
      same(p.indices, q.indices, 'knn indices');
      same(p.scores, q.scores, 'knn scores');
      const size = r.integer(1, 9), batch = r.integer(1, 4);
      const A = spd(r, size, batch);
      const [c, w] = [k!.cholesky(A, size), ts.cholesky(A, size)];
      same(c.factor, w.factor, 'cholesky factor');
      same(c.logdet, w.logdet, 'log-determinant');
    }
  });
});

describe.each(others)('%s image-augmentation kernels equal the TypeScript kernels', (name) => {
  const k = info.engines[name].available ? kernels(name) : undefined;
  const test = it.skipIf(!k);

  /** Random images: digits-grid values, arbitrary floats, or negatives and values above 1 (to exercise the clips). */
  const images = (r: Philox, len: number, t: number): Float32Array =>
    Float32Array.from({ length: len }, () => (t % 3 === 0 ? r.integer(0, 17) / 16 : t % 3 === 1 ? r.uniform() : r.uniform() * 3 - 1));

  test('shifts, strong augmentation, warps and quarter turns, any size and options', () => {
    const r = new Philox(106);
    for (let t = 0; t < 3000; t++) {
      const n = r.integer(1, 7), h = t % 4 === 0 ? 8 : r.integer(1, 12), w = t % 4 === 0 ? 8 : r.integer(1, 12);
      const x = images(r, n * h * w, t);
      let a = randomRng(r), b = new Philox().setState(a.getState());
      const m = r.integer(0, 4);
      same(k!.shiftImages(x, n, h, w, a, m), ts.shiftImages(x, n, h, w, b, m), `shift ${n}×${h}×${w} m=${m}`);
      same(a.getState(), b.getState(), 'stream position after shift');
      const options = t % 2 ? undefined : {
        maxRotationDeg: r.uniform() * 180, scale: [0.5 + r.uniform() * 0.5, 1 + r.uniform()] as [number, number], maxTranslate: r.uniform() * 3,
        contrast: [r.uniform(), 1 + r.uniform()] as [number, number], noiseStd: r.uniform() * 0.5, cutout: r.integer(0, 5),
      };
      a = randomRng(r); b = new Philox().setState(a.getState());
      same(k!.strongAugment(x, n, h, w, a, options), ts.strongAugment(x, n, h, w, b, options), `strong ${n}×${h}×${w} ${JSON.stringify(options)}`);
      same(a.getState(), b.getState(), 'stream position after strongAugment');
      const params = new Float64Array(4 * n);
      for (let i = 0; i < n; i++) params.set([t % 5 === 0 ? 90 * r.integer(-2, 3) : r.uniform() * 360 - 180, 0.25 + r.uniform() * 2, r.uniform() * 6 - 3, r.uniform() * 6 - 3], 4 * i);
      same(k!.warpImages(x, n, h, w, params), ts.warpImages(x, n, h, w, params), `warp ${n}×${h}×${w}`);
      const turns = Int32Array.from({ length: n }, () => (h === w ? r.integer(-9, 9) : 2 * r.integer(-4, 4)));
      same(k!.rotate90(x, n, h, w, turns), ts.rotate90(x, n, h, w, turns), `rotate90 ${n}×${h}×${w}`);
    }
  });
});

describe.each(others)('%s eigendecomposition kernels equal the TypeScript kernels', (name) => {
  const k = info.engines[name].available ? kernels(name) : undefined;
  const test = it.skipIf(!k);

  test('eigh of symmetric matrices (indefinite, repeated eigenvalues, diagonal) and SPD powers', () => {
    const r = new Philox(107);
    for (let t = 0; t < 1500; t++) {
      const n = t < 20 ? t + 1 : r.integer(1, 13), batch = r.integer(1, 4);
      const A = t % 4 === 0 ? spd(r, n, batch) : values(r, batch * n * n, t % 4 === 1);
      if (t % 4 === 2) for (let i = 0; i < A.length; i++) if (i % (n * n) % (n + 1) !== 0) A[i] = 0; // diagonal, ties included
      const [e, f] = [k!.eigh(A, n), ts.eigh(A, n)];
      same(e.values, f.values, `eigenvalues n=${n}`);
      same(e.vectors, f.vectors, `eigenvectors n=${n}`);
      const S = spd(r, n, batch), p = [0.5, -0.5, -1, 1, r.uniform() * 4 - 2][t % 5]!;
      same(k!.spdPower(S, n, p), ts.spdPower(S, n, p), `spdPower n=${n} p=${p}`);
    }
  });
});

/** Random symmetric positive-definite matrices M·Mᵀ + I. */
function spd(r: Philox, n: number, batch: number): Float64Array {
  const A = new Float64Array(batch * n * n);
  for (let b = 0; b < batch; b++) {
    const M = r.uniforms(n * n, -1, 1);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = i === j ? 1 : 0;
        for (let k = 0; k < n; k++) s += M[i * n + k]! * M[j * n + k]!;
        A[b * n * n + i * n + j] = s;
      }
    }
  }
  return A;
}

describe('TypeScript kernels against plain definitions', () => {
  it('streams are exactly the core Philox methods', () => {
    const a = new Philox(9, 2), b = new Philox(9, 2);
    expect(Array.from(ts.u32(a, 7))).toEqual(Array.from({ length: 7 }, () => b.nextU32()));
    expect(ts.uniforms(a, 5, -1, 3)).toEqual(b.uniforms(5, -1, 3));
    expect(ts.integers(a, 50, -4, 9)).toEqual(b.integers(50, -4, 9));
    expect(ts.normals(a, 9, 1, 2)).toEqual(b.normals(9, 1, 2));
  });

  it('scores equal −distance within 1e-12 relative', () => {
    const r = new Philox(5);
    const d = 13, q = r.uniforms(3 * d, -2, 2), e = r.uniforms(20 * d, -2, 2);
    const l1 = ts.score(q, e, { dim: d }), l2 = ts.score(q, e, { dim: d, metric: 'l2' }), sq = ts.score(q, e, { dim: d, metric: 'l2-squared' });
    for (let b = 0; b < 3; b++) {
      for (let j = 0; j < 20; j++) {
        let s1 = 0, s2 = 0;
        for (let i = 0; i < d; i++) { s1 += Math.abs(q[b * d + i]! - e[j * d + i]!); s2 += (q[b * d + i]! - e[j * d + i]!) ** 2; }
        expect(Math.abs(l1[b * 20 + j]! + s1)).toBeLessThan(1e-12 * s1);
        expect(Math.abs(sq[b * 20 + j]! + s2)).toBeLessThan(1e-12 * s2);
        expect(Math.abs(l2[b * 20 + j]! + Math.sqrt(s2))).toBeLessThan(1e-12 * Math.sqrt(s2));
      }
    }
  });

  it('negatives keep the relation, change exactly one side, never to the true entity, and cover all others', () => {
    const triples = Int32Array.of(0, 0, 1, 2, 1, 3, 4, 0, 4);
    const neg = ts.negatives(triples, new Philox(1), { numEntities: 5, perTriple: 400 });
    const heads = new Set<number>(), tails = new Set<number>();
    for (let i = 0; i < neg.length / 3; i++) {
      const at = 3 * Math.floor(i / 400);
      const [h, rel, t] = triples.subarray(at, at + 3);
      const [nh, nr, nt] = neg.subarray(3 * i, 3 * i + 3);
      expect(nr).toBe(rel);
      expect((nh !== h) !== (nt !== t)).toBe(true);
      if (at === 0) (nh !== h ? heads : tails).add(nh !== h ? nh! : nt!);
    }
    expect([[...heads].sort(), [...tails].sort()]).toEqual([[1, 2, 3, 4], [0, 2, 3, 4]]);
  });

  it('filtered ranks, top-k and CSR match brute force', () => {
    const scores = Float64Array.of(0.5, 0.9, 0.5, 0.1, 0.9, /* row 2 */ 3, 1, 2, 3, 3);
    const known = ts.csr(Int32Array.of(0, 1, 1), Int32Array.of(1, 0, 0), 2, { dedupe: true });
    const r = ts.filteredRanks(scores, Int32Array.of(0, 3), known);
    // Row 0: truth 0.5; id 1 (0.9) is filtered, id 4 (0.9) beats it, id 2 ties. Row 1: id 0 filtered, id 4 ties.
    expect(Array.from(r.optimistic)).toEqual([2, 1]);
    expect(Array.from(r.pessimistic)).toEqual([3, 2]);
    expect(Array.from(r.realistic)).toEqual([2.5, 1.5]);
    const top = ts.topK(scores, 5, 3);
    expect(Array.from(top.indices)).toEqual([1, 4, 0, 0, 3, 4]);
    expect(Array.from(top.values)).toEqual([0.9, 0.9, 0.5, 3, 3, 3]);
    const g = ts.csr(Int32Array.of(2, 0, 2, 2), Int32Array.of(5, 1, 3, 5), 3);
    expect([Array.from(g.offsets), Array.from(g.indices)]).toEqual([[0, 1, 1, 4], [1, 5, 3, 5]]);
    const u = ts.csr(Int32Array.of(2, 0, 2, 2), Int32Array.of(5, 1, 3, 5), 3, { dedupe: true });
    expect([Array.from(u.offsets), Array.from(u.indices)]).toEqual([[0, 1, 1, 3], [1, 3, 5]]);
  });

  it('Cholesky reproduces A = L·Lᵀ and its log-determinant, and names a matrix that is not positive definite', () => {
    const r = new Philox(6), n = 6;
    const A = spd(r, n, 3);
    const { factor: L, logdet } = ts.cholesky(A, n);
    for (let b = 0; b < 3; b++) {
      let ld = 0;
      for (let i = 0; i < n; i++) {
        ld += 2 * Math.log(L[b * n * n + i * n + i]!);
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += L[b * n * n + i * n + k]! * L[b * n * n + j * n + k]!;
          expect(Math.abs(s - A[b * n * n + i * n + j]!)).toBeLessThan(1e-12 * n * 10);
          if (j > i) expect(L[b * n * n + i * n + j]).toBe(0);
        }
      }
      expect(Math.abs(logdet[b]! - ld)).toBeLessThan(1e-12 * Math.max(1, Math.abs(ld)));
    }
    expect(() => ts.cholesky(Float64Array.of(1, 0, 0, 1, 1, 2, 2, 1), 2)).toThrow(/matrices\[1\] is not positive definite/);
  });

  it('neighbour samples are distinct neighbours, all of them when few, and uniform', () => {
    const g = ts.csr(Int32Array.of(0, 0, 0, 0, 0, 1), Int32Array.of(10, 11, 12, 13, 14, 20), 3);
    const hits = new Map<number, number>();
    const rng = new Philox(4);
    for (let t = 0; t < 5000; t++) {
      const { neighbors, counts } = ts.sampleNeighbors(g, Int32Array.of(0, 1, 2), 2, rng);
      expect(Array.from(counts)).toEqual([2, 1, 0]);
      expect(Array.from(neighbors.subarray(2))).toEqual([20, -1, -1, -1]);
      expect(neighbors[0]).not.toBe(neighbors[1]);
      for (const x of neighbors.subarray(0, 2)) hits.set(x, (hits.get(x) ?? 0) + 1);
    }
    for (const id of [10, 11, 12, 13, 14]) expect(Math.abs(hits.get(id)! / 10000 - 0.2)).toBeLessThan(0.02);
  });

  it('the k-NN graph matches brute force', () => {
    const r = new Philox(8), d = 3, n = 40, k = 4;
    const pts = r.uniforms(n * d);
    const g = ts.knnGraph(pts, { dim: d, k });
    for (let i = 0; i < n; i++) {
      const dist = Array.from({ length: n }, (_, j) => [j, j === i ? Infinity : [0, 1, 2].reduce((s, c) => s + Math.abs(pts[i * d + c]! - pts[j * d + c]!), 0)] as const);
      dist.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      expect(Array.from(g.indices.subarray(i * k, i * k + k))).toEqual(dist.slice(0, k).map((x) => x[0]));
    }
  });
});
