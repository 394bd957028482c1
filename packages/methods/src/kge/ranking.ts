// Filtered rank-based evaluation (Bordes et al. 2013; realistic ranks as PyKEEN): every other known
// true triple is removed from the candidates; ties give optimistic, pessimistic and realistic ranks.
import type { Triples } from '@repkit/data';
import type { Csr } from '@repkit/kernels';

export interface RankMetrics {
  mrr: number;
  hits1: number;
  hits3: number;
  hits10: number;
  mr: number;
}

/**
 * Known answers: for each (anchor, relation) key, the sorted true ids on the other side. Each side is
 * one sorted Float64Array of keys (anchor·R + r)·E + other and a lookup is a binary search: a Map of
 * Sets per key took 3.4 s for 1M triples, this takes a fraction of a second.
 */
export class KnownAnswers {
  private readonly entities: number;
  private readonly tails: SortedAnswers;
  private readonly heads: SortedAnswers;

  constructor(readonly relations: number, sets: readonly Triples[]) {
    let max = -1, n = 0;
    for (const s of sets) {
      n += s.count;
      for (let i = 0; i < s.count; i++) max = Math.max(max, s.ids[3 * i]!, s.ids[3 * i + 2]!);
    }
    this.entities = max + 1;
    if (this.entities * this.entities * relations > Number.MAX_SAFE_INTEGER) {
      throw new Error(`KnownAnswers: ${this.entities} entities × ${relations} relations overflow the packed keys; filter in parts`);
    }
    const tails = new Float64Array(n), heads = new Float64Array(n);
    let k = 0;
    for (const s of sets) {
      for (let i = 0; i < s.count; i++, k++) {
        const h = s.ids[3 * i]!, r = s.ids[3 * i + 1]!, t = s.ids[3 * i + 2]!;
        tails[k] = (h * relations + r) * this.entities + t;
        heads[k] = (t * relations + r) * this.entities + h;
      }
    }
    this.tails = new SortedAnswers(tails, this.entities);
    this.heads = new SortedAnswers(heads, this.entities);
  }

  /** True tails of (h, r) or true heads of (r, t), sorted ascending. */
  answers(side: 'tail' | 'head', anchor: number, r: number): Int32Array {
    if (anchor >= this.entities || r >= this.relations) return EMPTY;
    return (side === 'tail' ? this.tails : this.heads).of(anchor * this.relations + r);
  }

  /** The answers of each query as a CSR (the kernels' filter format). */
  csr(side: 'tail' | 'head', anchors: Int32Array, relations: Int32Array): Csr {
    const offsets = new Int32Array(anchors.length + 1);
    const rows = Array.from(anchors, (a, i) => this.answers(side, a, relations[i]!));
    rows.forEach((r, i) => (offsets[i + 1] = offsets[i]! + r.length));
    const indices = new Int32Array(offsets[anchors.length]!);
    rows.forEach((r, i) => indices.set(r, offsets[i]!));
    return { offsets, indices };
  }
}

/** Distinct packed keys, sorted; `ids` holds each key's other-side id. */
class SortedAnswers {
  private readonly keys: Float64Array;
  private readonly ids: Int32Array;

  constructor(packed: Float64Array, private readonly entities: number) {
    packed.sort();
    let m = 0;
    for (let i = 0; i < packed.length; i++) if (i === 0 || packed[i] !== packed[m - 1]) packed[m++] = packed[i]!;
    this.keys = packed.subarray(0, m);
    this.ids = Int32Array.from(this.keys, (k) => k % entities);
  }

  /** The ids stored under one (anchor, relation) key. */
  of(key: number): Int32Array {
    const lo = key * this.entities;
    const a = this.lowerBound(lo), b = this.lowerBound(lo + this.entities);
    return a === b ? EMPTY : this.ids.subarray(a, b);
  }

  private lowerBound(x: number): number {
    let lo = 0, hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

const EMPTY = new Int32Array(0);

export function metricsOf(ranks: Float64Array): RankMetrics {
  let mrr = 0, h1 = 0, h3 = 0, h10 = 0, mr = 0;
  for (const r of ranks) {
    mrr += 1 / r;
    mr += r;
    h1 += r <= 1 ? 1 : 0;
    h3 += r <= 3 ? 1 : 0;
    h10 += r <= 10 ? 1 : 0;
  }
  const n = ranks.length;
  return { mrr: mrr / n, hits1: h1 / n, hits3: h3 / n, hits10: h10 / n, mr: mr / n };
}
