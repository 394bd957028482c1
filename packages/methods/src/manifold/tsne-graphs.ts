// The exact t-SNE gradient as a step graph (van der Maaten & Hinton 2008, eq. 5; Student-t with
// ν = max(components − 1, 1) degrees of freedom as scikit-learn): dense P in, gradient (and KL) out.
import {
  add, div, log, matmul, maximum, mul, pow, slice, sub, sum, swapLast, trace,
  type Graph, type GraphBuilder, type Value,
} from '@repkit/core';

const MACHINE_EPSILON = 2.220446049250313e-16;

/**
 * w_ij = (1 + ‖y_i − y_j‖²/ν)^(−(ν+1)/2), q_ij = w_ij / Σ_{k≠l} w_kl (floored at eps), and
 * ∂C/∂y_i = (2(ν+1)/ν) Σ_j (p_ij − q_ij) w_ij (y_i − y_j); with `withError`, also C = Σ p log(p / q).
 * P has a zero diagonal; w_ii = 1 is removed from the normaliser by subtracting n.
 */
export function tsneGradient(b: GraphBuilder, n: number, dims: number, withError: boolean): { grad: Value; kl?: Value } {
  const Y = b.data('Y', 'float32', [n, dims]);
  const P = b.data('P', 'float32', [n, n]);
  const dof = Math.max(dims - 1, 1);
  // Σ_c (y_ic − y_jc)² one column at a time: exact (no ‖y‖² cancellation) and 3× faster on onnxruntime than [n, n, dims]
  let sq: Value | undefined;
  for (let c = 0; c < dims; c++) {
    const col = slice(Y, [c], [c + 1], [1]);
    const dc = sub(col, swapLast(col));
    sq = sq ? add(sq, mul(dc, dc)) : mul(dc, dc);
  }
  const base = add(dof === 1 ? sq! : div(sq!, dof), 1);
  const w = dof === 1 ? div(1, base) : pow(base, -(dof + 1) / 2);
  const Q = maximum(div(w, sub(sum(w), n)), MACHINE_EPSILON);
  const PQw = mul(sub(P, Q), w);
  // Σ_j m_ij (y_i − y_j) = (Σ_j m_ij) y_i − (M Y)_i
  const grad = mul(sub(mul(sum(PQw, -1, true), Y), matmul(PQw, Y)), (2 * (dof + 1)) / dof);
  if (!withError) return { grad };
  return { grad, kl: sum(mul(P, log(div(maximum(P, MACHINE_EPSILON), Q)))) };
}

/** The gradient graph, and the gradient-and-error graph used at the checks every 50 iterations. */
export function tsneGraphs(n: number, dims: number): { grad: Graph; gradError: Graph } {
  return {
    grad: trace('tsne_gradient', (b) => ({ grad: tsneGradient(b, n, dims, false).grad })),
    gradError: trace('tsne_gradient_kl', (b) => {
      const r = tsneGradient(b, n, dims, true);
      return { grad: r.grad, kl: r.kl! };
    }),
  };
}
