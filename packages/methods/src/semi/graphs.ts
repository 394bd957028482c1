// The step graphs of label spreading (Zhou et al. 2004) and label propagation (Zhu & Ghahramani 2002):
// one iteration, next = step(F), and the change Σ|F_new − F| that the next convergence test reads.
import {
  abs, add, div, equal, gather, matmul, mul, scatterAdd, sub, sum, trace, unsqueeze, where,
  type Graph, type GraphBuilder, type Value,
} from '@repkit/core';

export type OperatorKind = 'sparse' | 'dense';

/** S F for the operator's inputs: edge lists (src, dst, w) scatter-add w·F[dst] into rows src; dense: one matmul. */
function apply(b: GraphBuilder, kind: OperatorKind, F: Value): Value {
  const n = F.shape[0];
  if (typeof n !== 'number') throw new Error('labelStep: F needs a static row count');
  if (kind === 'dense') return matmul(b.data('S', 'float32', [n, n]), F);
  const src = b.data('src', 'int32', ['edges']);
  const dst = b.data('dst', 'int32', ['edges']);
  const w = b.data('w', 'float32', ['edges']);
  return scatterAdd(src, mul(gather(F, dst), unsqueeze(w, 1)), n);
}

/**
 * Spreading: F_new = (αS) F + (1 − α) Y, with αS and (1 − α)Y prepared on the host (inputs `S` or
 * src/dst/w, and `Ys`).
 */
export function spreadingStep(b: GraphBuilder, kind: OperatorKind, n: number, classes: number): { next: Value; delta: Value } {
  const F = b.data('F', 'float32', [n, classes]);
  const Ys = b.data('Ys', 'float32', [n, classes]);
  const Fn = add(apply(b, kind, F), Ys);
  return { next: Fn, delta: sum(abs(sub(Fn, F))) };
}

/**
 * Propagation: F_new = T F, rows normalised (zero rows stay 0), labelled rows reset to Y: with
 * `unlabelled` = 1 on unlabelled rows and 0 elsewhere, and Y zero on unlabelled rows, that is F_new·u + Y.
 */
export function propagationStep(b: GraphBuilder, kind: OperatorKind, n: number, classes: number): { next: Value; delta: Value } {
  const F = b.data('F', 'float32', [n, classes]);
  const Y = b.data('Y', 'float32', [n, classes]);
  const unlabelled = b.data('unlabelled', 'float32', [n, 1]);
  const TF = apply(b, kind, F);
  const s = sum(TF, -1, true);
  const Fn = add(mul(div(TF, where(equal(s, 0), 1, s)), unlabelled), Y);
  return { next: Fn, delta: sum(abs(sub(Fn, F))) };
}

/** The step graph of a variant for n rows and `classes` classes. */
export function labelStepGraph(variant: 'spreading' | 'propagation', kind: OperatorKind, n: number, classes: number): Graph {
  const step = variant === 'spreading' ? spreadingStep : propagationStep;
  return trace(`label_${variant}_step`, (b) => ({ ...step(b, kind, n, classes) }));
}
