// The TypeScript implementation: the same algorithms, draw order and summation order as native/src,
// so its results are bit-identical to the native and wasm builds (checked in conformance.test.ts).
import { Philox, detLog, jsRows, updateRowsPacked } from '@repkit/core';
import type { Engine } from './engine.ts';
import { tsAugment } from './ts-augment.ts';
import { tsEigen } from './ts-eigen.ts';

function withStream<T>(state: Uint32Array, draw: (rng: Philox) => T): T {
  const rng = new Philox().setState(state);
  const out = draw(rng);
  state.set(rng.getState());
  return out;
}

/** −distance for one pair: two interleaved partial sums (even, odd coordinates), as scoring.cpp. */
function pair(q: Float64Array, qo: number, e: Float64Array, eo: number, d: number, metric: number): number {
  let s0 = 0, s1 = 0, k = 0;
  if (metric === 0) {
    for (; k + 1 < d; k += 2) {
      s0 += Math.abs(q[qo + k]! - e[eo + k]!);
      s1 += Math.abs(q[qo + k + 1]! - e[eo + k + 1]!);
    }
    if (k < d) s0 += Math.abs(q[qo + k]! - e[eo + k]!);
  } else {
    for (; k + 1 < d; k += 2) {
      const t0 = q[qo + k]! - e[eo + k]!, t1 = q[qo + k + 1]! - e[eo + k + 1]!;
      s0 += t0 * t0;
      s1 += t1 * t1;
    }
    if (k < d) { const t = q[qo + k]! - e[eo + k]!; s0 += t * t; }
  }
  const s = s0 + s1;
  return metric === 1 ? -Math.sqrt(s) : -s;
}

/** a ranks before b: larger value, then lower index (as ranking.cpp). */
function before(va: number, ia: number, vb: number, ib: number): boolean {
  return va > vb || (va === vb && ia < ib);
}

function siftDown(v: Float64Array, ix: Int32Array, o: number, size: number, i: number): void {
  for (;;) {
    let w = i;
    const l = 2 * i + 1, r = l + 1;
    if (l < size && before(v[o + w]!, ix[o + w]!, v[o + l]!, ix[o + l]!)) w = l;
    if (r < size && before(v[o + w]!, ix[o + w]!, v[o + r]!, ix[o + r]!)) w = r;
    if (w === i) return;
    const tv = v[o + i]!; v[o + i] = v[o + w]!; v[o + w] = tv;
    const ti = ix[o + i]!; ix[o + i] = ix[o + w]!; ix[o + w] = ti;
    i = w;
  }
}

export const tsEngine: Engine = {
  name: 'typescript',
  detail: 'TypeScript, scalar',
  ...tsAugment,
  ...tsEigen,
  gatherRows: jsRows.gatherRows,
  scatterRows: jsRows.scatterRows,
  updateRows: updateRowsPacked,

  philoxU32: (state, out) => withStream(state, (r) => { for (let i = 0; i < out.length; i++) out[i] = r.nextU32(); }),
  philoxUniform: (state, out, lo, hi) => withStream(state, (r) => { for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * r.uniform(); }),
  philoxInteger: (state, out, lo, span) => withStream(state, (r) => { for (let i = 0; i < out.length; i++) out[i] = lo + r.integer(0, span); }),
  philoxNormal: (state, out, mean, std) => withStream(state, (r) => out.set(r.normals(out.length, mean, std))),

  score(q, B, ent, E, d, metric, out) {
    for (let b = 0; b < B; b++) {
      for (let e = 0; e < E; e++) out[b * E + e] = pair(q, b * d, ent, e * d, d, metric);
    }
  },

  negatives(state, triples, numEntities, k, pHead, out) {
    withStream(state, (rng) => {
      const n = triples.length / 3;
      for (let i = 0; i < n; i++) {
        const h = triples[3 * i]!, r = triples[3 * i + 1]!, t = triples[3 * i + 2]!;
        const p = pHead ? pHead[r]! : 0.5;
        for (let j = 0; j < k; j++) {
          const o = 3 * (i * k + j);
          const head = rng.uniform() < p;
          let x = rng.integer(0, numEntities - 1);
          if (x >= (head ? h : t)) x++;
          out[o] = head ? x : h; out[o + 1] = r; out[o + 2] = head ? t : x;
        }
      }
    });
  },

  sampleNeighbors(state, offsets, indices, seeds, out, k, counts) {
    withStream(state, (rng) => {
      for (let i = 0; i < seeds.length; i++) {
        const start = offsets[seeds[i]!]!, deg = offsets[seeds[i]! + 1]! - start, o = i * k;
        if (deg <= k) {
          for (let j = 0; j < k; j++) out[o + j] = j < deg ? indices[start + j]! : -1;
          counts[i] = deg;
          continue;
        }
        let m = 0;
        for (let j = deg - k; j < deg; j++) {
          const t = rng.integer(0, j + 1);
          let taken = false;
          for (let c = 0; c < m; c++) taken = taken || out[o + c] === t;
          out[o + m++] = taken ? j : t;
        }
        for (let c = 0; c < k; c++) out[o + c] = indices[start + out[o + c]!]!;
        counts[i] = k;
      }
    });
  },

  cholesky(a, batch, n, l, logdet) {
    let failed = 0;
    for (let b = 0; b < batch; b++) {
      const o = b * n * n;
      let ld = 0, ok = true;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          let s = a[o + i * n + j]!;
          for (let k = 0; k < j; k++) s -= l[o + i * n + k]! * l[o + j * n + k]!;
          if (i === j) {
            if (!(s > 0) || !ok) { ok = false; s = NaN; } else s = Math.sqrt(s);
            l[o + i * n + i] = s;
            ld += ok ? detLog(s) : s;
          } else {
            l[o + i * n + j] = ok ? s / l[o + j * n + j]! : NaN;
          }
        }
        for (let j = i + 1; j < n; j++) l[o + i * n + j] = 0;
      }
      logdet[b] = 2 * ld;
      if (!ok && failed === 0) failed = b + 1;
    }
    return failed;
  },

  filteredRanks(scores, B, E, trueIds, offsets, ids, optimistic, pessimistic, realistic) {
    let nan = 0;
    for (let b = 0; b < B; b++) {
      const row = b * E, truth = trueIds[b]!, st = scores[row + truth]!;
      if (st !== st) nan++;
      let p = offsets[b]!, greater = 0, notLess = 0;
      const end = offsets[b + 1]!;
      for (let e = 0; e < E; e++) {
        if (p < end && ids[p] === e) {
          while (p < end && ids[p] === e) p++;
          continue;
        }
        if (e === truth) continue;
        const s = scores[row + e]!;
        if (s !== s) nan++;
        if (s > st) greater++;
        if (s >= st) notLess++;
      }
      optimistic[b] = 1 + greater;
      pessimistic[b] = 1 + notLess;
      realistic[b] = 0.5 * (optimistic[b]! + pessimistic[b]!);
    }
    return nan;
  },

  topk(x, B, n, k, idx, val) {
    let nan = 0;
    for (let b = 0; b < B; b++) {
      const row = b * n, o = b * k;
      for (let i = 0; i < k; i++) { val[o + i] = x[row + i]!; idx[o + i] = i; if (x[row + i] !== x[row + i]) nan++; }
      for (let i = (k >> 1) - 1; i >= 0; i--) siftDown(val, idx, o, k, i);
      for (let i = k; i < n; i++) {
        const s = x[row + i]!;
        if (s !== s) { nan++; continue; }
        if (k > 0 && before(s, i, val[o]!, idx[o]!)) { val[o] = s; idx[o] = i; siftDown(val, idx, o, k, 0); }
      }
      for (let end = k; end > 1; end--) {
        const tv = val[o]!; val[o] = val[o + end - 1]!; val[o + end - 1] = tv;
        const ti = idx[o]!; idx[o] = idx[o + end - 1]!; idx[o + end - 1] = ti;
        siftDown(val, idx, o, end - 1, 0);
      }
    }
    return nan;
  },

  csr(src, dst, numNodes, offsets, indices, dedupe) {
    offsets.fill(0, 0, numNodes + 1);
    for (let j = 0; j < src.length; j++) offsets[src[j]! + 1]++;
    for (let i = 0; i < numNodes; i++) offsets[i + 1] += offsets[i]!;
    for (let j = 0; j < src.length; j++) indices[offsets[src[j]!]!++] = dst[j]!;
    offsets.copyWithin(1, 0, numNodes);
    offsets[0] = 0;
    if (!dedupe) return src.length;
    let w = 0;
    for (let i = 0; i < numNodes; i++) {
      const a = offsets[i]!, b = offsets[i + 1]!;
      indices.subarray(a, b).sort();
      offsets[i] = w;
      for (let j = a; j < b; j++) if (j === a || indices[j] !== indices[j - 1]) indices[w++] = indices[j]!;
    }
    offsets[numNodes] = w;
    return w;
  },
};
