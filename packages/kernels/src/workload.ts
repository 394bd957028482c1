// A fixed, seeded run of every kernel, as hex bytes: the browser test runs it in Chromium (page and
// worker) and in Node, and compares byte for byte. Browser-safe (no Node imports).
import { Philox } from '@repkit/core';
import type { Kernels } from './kernels.ts';

const hex = (a: Uint32Array | Int32Array | Float32Array | Float64Array): string =>
  Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), (b) => b.toString(16).padStart(2, '0')).join('');

export function workload(k: Kernels): Record<string, string> {
  const r = new Philox(2024, 3);
  const d = 37, q = r.uniforms(5 * d, -1, 1), e = r.uniforms(301 * d, -1, 1);
  const triples = Int32Array.from({ length: 60 }, (_, i) => r.integer(0, i % 3 === 1 ? 4 : 50));
  const scores = k.score(q, e, { dim: d });
  const known = k.csr(r.integers(40, 0, 5), r.integers(40, 0, 301), 5, { dedupe: true });
  const ranks = k.filteredRanks(scores, r.integers(5, 0, 301), known);
  const top = k.topK(scores, 301, 7);
  const imgs = Float32Array.from(r.uniforms(20 * 64));
  const sym = r.uniforms(3 * 36, -1, 1), spd = Float64Array.from({ length: 2 * 25 }, (_, i) => (i % 25) % 6 === 0 ? 3 : 0.5 / (1 + (i % 7)));
  const eig = k.eigh(sym, 6);
  return {
    u32: hex(k.u32(r, 33)),
    uniforms: hex(k.uniforms(r, 33, -2, 5)),
    integers: hex(k.integers(r, 33, -7, 1000)),
    normals: hex(k.normals(r, 1001, 0.5, 3)),
    l1: hex(scores),
    l2: hex(k.score(q, e, { dim: d, metric: 'l2' })),
    l2sq: hex(k.score(q, e, { dim: d, metric: 'l2-squared' })),
    negatives: hex(k.negatives(triples, r, { numEntities: 50, perTriple: 3 })),
    bernoulli: hex(k.negatives(triples, r, { numEntities: 50, mode: 'bernoulli', headProbability: Float64Array.of(0.1, 0.5, 0.9, 1) })),
    ranks: hex(ranks.optimistic) + hex(ranks.pessimistic) + hex(ranks.realistic),
    topk: hex(top.indices) + hex(top.values),
    csr: hex(known.offsets) + hex(known.indices),
    neighbors: hex(k.sampleNeighbors(known, Int32Array.of(0, 1, 2, 3, 4, 4), 3, r).neighbors),
    cholesky: hex(k.cholesky(Float64Array.of(4, 0, 0, 2, 5, 0, -1, 0.5, 3), 3).factor),
    knn: hex(k.knnGraph(e.subarray(0, 40 * d), { dim: d, k: 4, metric: 'l2' }).indices),
    shift: hex(k.shiftImages(imgs, 20, 8, 8, r)),
    strong: hex(k.strongAugment(imgs, 20, 8, 8, r)) + hex(k.strongAugment(imgs, 10, 8, 16, r, { maxRotationDeg: 45, cutout: 4 })),
    warp: hex(k.warpImages(imgs.subarray(0, 128), 2, 8, 8, Float64Array.of(12.5, 0.9, 0.7, -1.2, -20, 1.15, -1.5, 1.5))),
    rotate90: hex(k.rotate90(imgs, 20, 8, 8, Int32Array.from({ length: 20 }, (_, i) => i - 7))),
    eigh: hex(eig.values) + hex(eig.vectors),
    spdPower: hex(k.spdPower(spd, 5, -0.5)) + hex(k.spdPower(spd, 5, 0.3)),
    state: hex(r.getState()),
  };
}
