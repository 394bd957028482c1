// Filtered link-prediction evaluation on both sides: batched 1-vs-all scores from a backend graph,
// filtering and ranking on the host.
import { Tensor, getBackend, type Executable } from '@repkit/core';
import type { Triples } from '@repkit/data';
import { scorerGraph } from './graphs.ts';
import type { KgeModel } from './model.ts';
import { KnownAnswers, metricsOf, rankOf, type RankMetrics } from './ranking.ts';

export interface KgeMetrics {
  realistic: RankMetrics;
  optimistic: RankMetrics;
  pessimistic: RankMetrics;
}

/** 1-vs-all scoring of a trained model on a backend (weights baked into the graphs). */
export class KgeScorer {
  private constructor(private readonly tails: Executable, private readonly heads: Executable) {}

  static async create(model: KgeModel, params: Readonly<Record<string, Tensor>>, backend = 'onnxruntime'): Promise<KgeScorer> {
    const be = await getBackend(backend);
    return new KgeScorer(await be.compile(scorerGraph(model, params, 'tail', 'q')), await be.compile(scorerGraph(model, params, 'head', 'q')));
  }

  /** Scores [q, entities] of every tail of (anchor, r), or every head of (r, anchor). */
  async score(side: 'tail' | 'head', anchors: Int32Array, relations: Int32Array): Promise<Tensor> {
    const q = anchors.length;
    const feeds = { [side === 'tail' ? 'h' : 't']: new Tensor('int32', [q], anchors), r: new Tensor('int32', [q], relations) };
    return (await (side === 'tail' ? this.tails : this.heads).run(feeds)).scores!;
  }

  dispose(): void {
    this.tails.dispose();
    this.heads.dispose();
  }
}

export interface EvaluateOptions {
  backend?: string;
  /** Queries per scoring run (default 256). */
  batch?: number;
}

export async function evaluateKge(
  model: KgeModel, params: Readonly<Record<string, Tensor>>, test: Triples, filter: readonly Triples[], relations: number,
  opts: EvaluateOptions = {},
): Promise<KgeMetrics> {
  if (test.count === 0) throw new Error('evaluate: the triples to rank are empty');
  const scorer = await KgeScorer.create(model, params, opts.backend);
  const known = new KnownAnswers(relations, filter);
  const batch = opts.batch ?? 256;
  const opt = new Float64Array(2 * test.count), pes = new Float64Array(2 * test.count);
  try {
    for (const [k, side] of (['tail', 'head'] as const).entries()) {
      for (let s0 = 0; s0 < test.count; s0 += batch) {
        const q = Math.min(batch, test.count - s0);
        const anchors = new Int32Array(q), rels = new Int32Array(q), truth = new Int32Array(q);
        for (let i = 0; i < q; i++) {
          const j = 3 * (s0 + i);
          anchors[i] = test.ids[side === 'tail' ? j : j + 2]!;
          rels[i] = test.ids[j + 1]!;
          truth[i] = test.ids[side === 'tail' ? j + 2 : j]!;
        }
        const scores = await scorer.score(side, anchors, rels);
        const E = scores.shape[1]!;
        for (let i = 0; i < q; i++) {
          const row = scores.data.subarray(i * E, (i + 1) * E);
          const [o, p] = rankOf(row, truth[i]!, known.answers(side, anchors[i]!, rels[i]!));
          opt[k * test.count + s0 + i] = o;
          pes[k * test.count + s0 + i] = p;
        }
      }
    }
  } finally {
    scorer.dispose();
  }
  const real = opt.map((o, i) => (o + pes[i]!) / 2);
  return { realistic: metricsOf(real), optimistic: metricsOf(opt), pessimistic: metricsOf(pes) };
}
