// An optimizer is a rule that, inside a train-step graph, maps (parameter, gradient, state, hyper)
// to (new parameter, new state). Step-dependent scalars (lr, bias corrections) are computed on the
// host each step and fed as inputs, so one traced step serves every step and any schedule.
import type { Value } from '../ir/graph.ts';
import type { RowRule } from './row-rules.ts';

export interface Optimizer {
  readonly name: string;
  /** Names of the per-parameter state slots (zero-initialised), e.g. ['m', 'v']. */
  readonly slots: readonly string[];
  /** Names of the scalar hyper inputs fed every step. */
  readonly hyper: readonly string[];
  /** Values of the hyper inputs for step t (1-based). */
  hyperAt(t: number): Record<string, number>;
  /** The update, traced with ops. */
  update(p: Value, g: Value, state: readonly Value[], hyper: Readonly<Record<string, Value>>): { p: Value; state: Value[] };
  /** The same update as data, for host kernels that apply it to table rows in place (row-rules.ts). */
  readonly rows?: RowRule;
}

export function checkPositive(what: string, x: number, allowZero = false): void {
  if (!Number.isFinite(x) || x < 0 || (!allowZero && x === 0)) {
    throw new Error(`${what} must be ${allowZero ? '≥ 0' : '> 0'} and finite, got ${x}`);
  }
}

export function checkUnit(what: string, x: number): void {
  if (!(x >= 0 && x < 1)) throw new Error(`${what} must be in [0, 1), got ${x}`);
}
