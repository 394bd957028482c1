// What every KGE model provides: its parameters (entity and relation tables), their initial values,
// one score function f(h, r, t) traced over broadcastable rows, and post-step constraints.
import type { Constraint, GraphBuilder, Philox, Tensor, Value } from '@repkit/core';
import type { Triples } from '@repkit/data';

export interface KgeSizes {
  entities: number;
  relations: number;
}

/** Rows gathered for a batch: each representation of the head, relation and tail. */
export type Rows = Record<string, Value>;

export interface KgeTable {
  side: 'entity' | 'relation';
  row: readonly number[];
  /** A constant of the graphs, not trained (e.g. TransM's θ_r, TranSparse's masks); its value comes from init. */
  fixed?: boolean;
}

export interface KgeModel {
  readonly name: string;
  /** One line: the paper. */
  readonly cite: string;
  /** Tables by name, with the side they index ('entity' or 'relation') and their row shape. */
  readonly tables: Readonly<Record<string, KgeTable>>;
  /** Statistics of the training triples a model needs before init (TransM, TranSparse); trainKge calls it. */
  prepare?(train: Triples, sizes: KgeSizes): void;
  /** Initial values of every table, fixed ones included. */
  init(rng: Philox, sizes: KgeSizes): Record<string, Tensor>;
  /** f(h, r, t), higher = more plausible; inputs broadcast over leading dims, e.g. [B, 1, d] × [1, E, d]. */
  score(h: Rows, r: Rows, t: Rows, b: GraphBuilder): Value;
  /** Projections after each step, by table name. */
  readonly constraints: Readonly<Record<string, Constraint>>;
  /** Training length and Adam learning rate this model documents as its defaults; trainKge uses them when the caller gives none. */
  readonly trainDefaults?: { epochs?: number; lr?: number };
  /**
   * Set when f = −dist(query, candidate): 1-vs-all evaluation then runs the query on the backend and
   * the distances in the fused host kernel, never materialising [q, E, d].
   */
  readonly distance?: {
    metric: 'l1' | 'l2' | 'l2-squared';
    /** The entity table candidates come from. */
    table: string;
    /** Tails: q(h, r) with f = −dist(q, t); heads: q(t, r) with f = −dist(q, h). */
    query(side: 'tail' | 'head', anchor: Rows, r: Rows): Value;
  };
}
