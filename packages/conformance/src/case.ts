// A conformance case: a small traced graph with seeded inputs, checked forward and (optionally)
// through its gradient on every backend against the float64 reference.
import type { Constraint, GraphBuilder, Optimizer, Philox, Tensor, TrainStepOptions, Value } from '@repkit/core';
import type { Kind } from './tolerances.ts';

export interface Case {
  /** 'op/variant', e.g. 'add/broadcast'. */
  name: string;
  /** Tolerance kind of the forward outputs. */
  kind: Kind;
  /** Declares inputs (float32 / int32 / bool) and returns named outputs. */
  build(b: GraphBuilder): Record<string, Value>;
  feeds(rng: Philox): Record<string, Tensor>;
  /** Inputs to differentiate Σ out·w with respect to; absent for discrete ops. */
  grad?: readonly string[];
  /** Discrete outputs: the reference's margin per element (small margins excuse a mismatch). */
  margins?: Readonly<Record<string, (feeds: Record<string, Tensor>) => Float64Array>>;
  /** A training case: `build` returns { loss }, and this many optimizer steps run on `feeds`. */
  train?: TrainSpec;
}

export interface TrainSpec {
  steps: number;
  optimizer: () => Optimizer;
  constraints?: Readonly<Record<string, Constraint>>;
  init: (rng: Philox) => Record<string, Tensor>;
  /** Update all parameters as one flat vector (trainStep's `fuse`). */
  fuse?: boolean;
  /** Parameters to train (default: every 'param' input); the rest stay fixed or are carried. */
  params?: readonly string[];
  /** State carried from step to step (trainStep's `carry`, e.g. an EMA teacher); `init` gives its start. */
  carry?: TrainStepOptions['carry'];
}
