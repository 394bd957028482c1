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

/** Known answers: for each (anchor, relation) key, the sorted true ids on the other side. */
export class KnownAnswers {
  private readonly tails = new Map<number, Int32Array>();
  private readonly heads = new Map<number, Int32Array>();

  constructor(readonly relations: number, sets: readonly Triples[]) {
    const tails = new Map<number, Set<number>>(), heads = new Map<number, Set<number>>();
    for (const s of sets) {
      for (let i = 0; i < s.count; i++) {
        const h = s.ids[3 * i]!, r = s.ids[3 * i + 1]!, t = s.ids[3 * i + 2]!;
        add(tails, h * relations + r, t);
        add(heads, t * relations + r, h);
      }
    }
    const sorted = (v: Set<number>): Int32Array => Int32Array.from(v).sort();
    for (const [k, v] of tails) this.tails.set(k, sorted(v));
    for (const [k, v] of heads) this.heads.set(k, sorted(v));
  }

  /** True tails of (h, r) or true heads of (r, t), sorted ascending. */
  answers(side: 'tail' | 'head', anchor: number, r: number): Int32Array {
    return (side === 'tail' ? this.tails : this.heads).get(anchor * this.relations + r) ?? EMPTY;
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

const EMPTY = new Int32Array(0);

function add(m: Map<number, Set<number>>, k: number, v: number): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

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
