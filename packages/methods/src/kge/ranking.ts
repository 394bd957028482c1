// Filtered rank-based evaluation (Bordes et al. 2013; realistic ranks as PyKEEN): every other known
// true triple is removed from the candidates; ties give optimistic, pessimistic and realistic ranks.
import type { Triples } from '@repkit/data';

export interface RankMetrics {
  mrr: number;
  hits1: number;
  hits3: number;
  hits10: number;
  mr: number;
}

export interface Ranks {
  optimistic: Float64Array;
  pessimistic: Float64Array;
  realistic: Float64Array;
}

/** Known answers: for each (anchor, relation) key, the set of true ids on the other side. */
export class KnownAnswers {
  private readonly tails = new Map<number, Set<number>>();
  private readonly heads = new Map<number, Set<number>>();

  constructor(readonly relations: number, sets: readonly Triples[]) {
    for (const s of sets) {
      for (let i = 0; i < s.count; i++) {
        const h = s.ids[3 * i]!, r = s.ids[3 * i + 1]!, t = s.ids[3 * i + 2]!;
        add(this.tails, h * relations + r, t);
        add(this.heads, t * relations + r, h);
      }
    }
  }

  /** True tails of (h, r) or true heads of (r, t). */
  answers(side: 'tail' | 'head', anchor: number, r: number): ReadonlySet<number> {
    return (side === 'tail' ? this.tails : this.heads).get(anchor * this.relations + r) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<number> = new Set();

function add(m: Map<number, Set<number>>, k: number, v: number): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

/** Ranks of `truth` within one score row, skipping filtered candidates (other known answers). */
export function rankOf(scores: ArrayLike<number>, truth: number, filtered: ReadonlySet<number>): [number, number] {
  const s = scores[truth]!;
  let greater = 0, equal = 0;
  for (let c = 0; c < scores.length; c++) {
    if (c === truth || filtered.has(c)) continue;
    const v = scores[c]!;
    if (v > s) greater++;
    else if (v === s) equal++;
  }
  return [1 + greater, 1 + greater + equal];
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
