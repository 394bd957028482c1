// Step graphs of the classical methods (@repkit/methods): k-means step, GMM E-step, label-spreading
// step, t-SNE gradient. The methods that also use float64 host kernels between steps (GMM: Cholesky
// and log-det) are labelled `host + backend` in the case name: only the graph part is checked here.
import { Tensor, type Philox } from '@repkit/core';
import { cluster, manifold, semi } from '@repkit/methods';
import type { Case } from '../case.ts';

/** n rows scattered (std 0.3) around k random centres in [−3, 3]^d: assignments have clear margins. */
function clustered(rng: Philox, n: number, d: number, k: number): { X: Float64Array; centres: Float64Array } {
  const centres = rng.uniforms(k * d, -3, 3), X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = i % k, z = rng.normals(d, 0, 0.3);
    for (let j = 0; j < d; j++) X[i * d + j] = Math.fround(centres[c * d + j]! + z[j]!);
  }
  return { X, centres };
}

const f32 = (shape: number[], data: ArrayLike<number>): Tensor => new Tensor('float32', shape, Float32Array.from(data));

/** Per row: the gap between the two smallest squared distances to the centres (the argmin's margin). */
function assignmentMargins(feeds: Record<string, Tensor>, d: number, k: number): Float64Array {
  const Xa = feeds.Xa!.data, C = feeds.C!.data, n = Xa.length / (d + 1), out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const dist = Array.from({ length: k }, (_, c) => {
      let s = 0;
      for (let j = 0; j < d; j++) s += (Xa[i * (d + 1) + j]! - C[c * d + j]!) ** 2;
      return s;
    }).sort((a, b) => a - b);
    out[i] = dist[1]! - dist[0]!;
  }
  return out;
}

const KM = { n: 48, d: 6, k: 4 };
const LS = { n: 20, classes: 3, k: 4 };
const GM = { n: 24, d: 4, k: 3 };
const TS = { n: 16 };

/** E-step feeds: rows near the means, precision Cholesky factors (upper triangular, diagonal in [0.5, 1.5]) and their log-dets. */
function gmmFeeds(rng: Philox, type: cluster.CovarianceType): Record<string, Tensor> {
  const { n, d, k } = GM;
  const { X, centres } = clustered(rng, n, d, k);
  const w = rng.uniforms(k, 0.5, 1), total = w.reduce((a, b) => a + b);
  const blocks = type === 'full' ? k : 1, P = new Float64Array(blocks * d * d), logDet = new Float64Array(k);
  for (let m = 0; m < blocks; m++) {
    for (let i = 0; i < d; i++) {
      P[m * d * d + i * d + i] = Math.fround(0.5 + rng.uniform());
      for (let j = i + 1; j < d; j++) P[m * d * d + i * d + j] = Math.fround(0.3 * (rng.uniform() - 0.5));
    }
  }
  const diag = Float64Array.from(rng.uniforms(type === 'spherical' ? k : k * d, 0.5, 2), Math.fround);
  for (let c = 0; c < k; c++) {
    if (type === 'full' || type === 'tied') for (let i = 0; i < d; i++) logDet[c]! += Math.log(P[(type === 'full' ? c : 0) * d * d + i * d + i]!);
    else logDet[c] = type === 'diag' ? diag.subarray(c * d, (c + 1) * d).reduce((a, v) => a + 0.5 * Math.log(v), 0) : 0.5 * d * Math.log(diag[c]!);
  }
  const feeds: Record<string, Tensor> = { X: f32([n, d], X), means: f32([k, d], centres), logWeights: f32([k], w.map((v) => Math.log(v / total))), logDet: f32([k], logDet) };
  if (type === 'full' || type === 'tied') feeds.precChol = f32(type === 'full' ? [k, d, d] : [d, d], P);
  else feeds.prec = f32(type === 'diag' ? [k, d] : [k], diag);
  return feeds;
}

/** A k-out graph on n nodes (no self loops) with positive weights, as the knn operators are. */
function edges(rng: Philox, n: number, k: number): Record<string, Tensor> {
  const src = new Int32Array(n * k), dst = new Int32Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      src[i * k + t] = i;
      dst[i * k + t] = (i + 1 + rng.integer(0, n - 1)) % n;
    }
  }
  return { src: new Tensor('int32', [n * k], src), dst: new Tensor('int32', [n * k], dst), w: f32([n * k], rng.uniforms(n * k, 0.05, 0.2)) };
}

export const classicalCases: Case[] = [
  {
    name: 'classical/kmeans-step', kind: 'reduction',
    build: (b) => ({ ...cluster.kmeansStep(b, KM.d, KM.k) }),
    feeds: (rng) => {
      const { X, centres } = clustered(rng, KM.n, KM.d, KM.k);
      const Xa = new Float64Array(KM.n * (KM.d + 1));
      for (let i = 0; i < KM.n; i++) {
        Xa.set(X.subarray(i * KM.d, (i + 1) * KM.d), i * (KM.d + 1));
        Xa[i * (KM.d + 1) + KM.d] = 1;
      }
      const C = centres.map((v) => v + 0.2 * (rng.uniform() - 0.5));
      return { Xa: f32([KM.n, KM.d + 1], Xa), C: f32([KM.k, KM.d], C) };
    },
    margins: { labels: (feeds) => assignmentMargins(feeds, KM.d, KM.k) },
  },
  {
    name: 'classical/label-spreading-step', kind: 'reduction',
    build: (b) => ({ ...semi.spreadingStep(b, 'sparse', LS.n, LS.classes) }),
    feeds: (rng) => ({ ...edges(rng, LS.n, LS.k), F: f32([LS.n, LS.classes], rng.uniforms(LS.n * LS.classes)), Ys: f32([LS.n, LS.classes], rng.uniforms(LS.n * LS.classes, 0, 0.8)) }),
  },
  {
    name: 'classical/label-propagation-step', kind: 'reduction',
    build: (b) => ({ ...semi.propagationStep(b, 'sparse', LS.n, LS.classes) }),
    feeds: (rng) => {
      const labelled = Array.from({ length: LS.n }, (_, i) => i % 4 === 0);
      const Y = new Float64Array(LS.n * LS.classes);
      labelled.forEach((l, i) => { if (l) Y[i * LS.classes + (i % LS.classes)] = 1; });
      return {
        ...edges(rng, LS.n, LS.k), F: f32([LS.n, LS.classes], rng.uniforms(LS.n * LS.classes)), Y: f32([LS.n, LS.classes], Y),
        unlabelled: f32([LS.n, 1], labelled.map((l) => (l ? 0 : 1))),
      };
    },
  },
  ...(['full', 'tied', 'diag', 'spherical'] as const).map((type): Case => ({
    name: `classical/gmm-estep,${type} (host + backend)`, kind: 'reduction',
    build: (b) => ({ ...cluster.gmmEStep(b, type, GM.d, GM.k) }),
    feeds: (rng) => gmmFeeds(rng, type),
  })),
  ...(['full', 'diag'] as const).map((type): Case => ({
    name: `classical/gmm-mstep,${type} (host + backend)`, kind: 'reduction',
    build: (b) => ({ ...cluster.gmmMStep(b, type, GM.d, GM.k) }),
    feeds: (rng) => {
      const R = rng.uniforms(GM.n * GM.k, 0.05, 1);
      for (let i = 0; i < GM.n; i++) {
        const s = R[i * 3]! + R[i * 3 + 1]! + R[i * 3 + 2]!;
        for (let c = 0; c < 3; c++) R[i * 3 + c]! /= s;
      }
      return { X: f32([GM.n, GM.d], clustered(rng, GM.n, GM.d, GM.k).X), resp: f32([GM.n, GM.k], R) };
    },
  })),
  {
    name: 'classical/tsne-gradient,exact', kind: 'matmul', // Σ_j m_ij y_i − (M Y)_i cancels: a matmul-sized error
    build: (b) => {
      const r = manifold.tsneGradient(b, TS.n, 2, true);
      return { grad: r.grad, kl: r.kl! };
    },
    feeds: (rng) => {
      const P = rng.uniforms(TS.n * TS.n, 0.1, 1);
      for (let i = 0; i < TS.n; i++) for (let j = 0; j < i; j++) P[i * TS.n + j] = P[j * TS.n + i]!; // symmetric
      for (let i = 0; i < TS.n; i++) P[i * TS.n + i] = 0;
      const total = P.reduce((a, v) => a + v, 0);
      return { Y: f32([TS.n, 2], rng.normals(TS.n * 2, 0, 3)), P: f32([TS.n, TS.n], P.map((v) => v / total)) };
    },
  },
];
