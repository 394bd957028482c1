// What every KGE model provides: its parameters (entity and relation tables), their initial values,
// one score function f(h, r, t) traced over broadcastable rows, and post-step constraints.
import type { Constraint, GraphBuilder, Philox, Tensor, Value } from '@repkit/core';

export interface KgeSizes {
  entities: number;
  relations: number;
}

/** Rows gathered for a batch: each representation of the head, relation and tail. */
export type Rows = Record<string, Value>;

export interface KgeModel {
  readonly name: string;
  /** One line: the paper. */
  readonly cite: string;
  /** Tables by name, with the side they index ('entity' or 'relation') and their row shape. */
  readonly tables: Readonly<Record<string, { side: 'entity' | 'relation'; row: readonly number[] }>>;
  init(rng: Philox, sizes: KgeSizes): Record<string, Tensor>;
  /** f(h, r, t), higher = more plausible; inputs broadcast over leading dims, e.g. [B, 1, d] × [1, E, d]. */
  score(h: Rows, r: Rows, t: Rows, b: GraphBuilder): Value;
  /** Projections after each step, by table name. */
  readonly constraints: Readonly<Record<string, Constraint>>;
}
