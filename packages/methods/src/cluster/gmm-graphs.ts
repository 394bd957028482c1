// The Gaussian-mixture step graphs (methods/ssl-semi.md §4.2): the E-step (log-densities from the
// precision Cholesky factors the host computes in float64, log-sum-exp, responsibilities) and the
// M-step statistics (N_k, means, covariances before reg_covar) for the four covariance types.
import {
  add, div, exp, logsumexp, matmul, mul, sub, sum, swapLast, trace, transpose, unsqueeze,
  type Graph, type GraphBuilder, type Value,
} from '@repkit/core';

export type CovarianceType = 'full' | 'tied' | 'diag' | 'spherical';

const LOG_2PI = Math.log(2 * Math.PI);

/** Rows minus each mean: [k, n, d]. Full and tied use this difference form: no float32 cancellation. */
function centred(X: Value, means: Value): Value {
  return sub(unsqueeze(X, 0), unsqueeze(means, 1));
}

/**
 * log N(x | μ_k, Σ_k) + log π_k for every row and component [n, k], then ℓ_i = logsumexp_k and
 * r_ik = exp(log ρ_ik − ℓ_i). Inputs: X, means, weights (log π), logDet (Σ log diag of the precision
 * Cholesky) and the precision factor: full [k,d,d], tied [d,d], diag [k,d] (1/σ²), spherical [k] (1/σ²).
 */
export function gmmEStep(b: GraphBuilder, type: CovarianceType, d: number, k: number): { resp: Value; logProb: Value } {
  const X = b.data('X', 'float32', ['n', d]);
  const means = b.data('means', 'float32', [k, d]);
  const logWeights = b.data('logWeights', 'float32', [k]);
  const logDet = b.data('logDet', 'float32', [k]);
  let maha: Value; // squared Mahalanobis distances [n, k]
  if (type === 'full' || type === 'tied') {
    const P = b.data('precChol', 'float32', type === 'full' ? [k, d, d] : [d, d]);
    const y = matmul(centred(X, means), P); // [k, n, d]
    maha = transpose(sum(mul(y, y), -1), [1, 0]);
  } else if (type === 'diag') {
    // sklearn's expansion Σ_j prec_kj (x_j − μ_kj)² = x²·prec − 2x·(μ prec) + Σ μ² prec: two matmuls, no [k, n, d]
    const prec = b.data('prec', 'float32', [k, d]);
    const cross = matmul(X, swapLast(mul(means, prec)));
    maha = add(sub(matmul(mul(X, X), swapLast(prec)), mul(cross, 2)), unsqueeze(sum(mul(mul(means, means), prec), -1), 0));
  } else {
    const prec = b.data('prec', 'float32', [k]);
    const sq = add(sub(sum(mul(X, X), -1, true), mul(matmul(X, swapLast(means)), 2)), unsqueeze(sum(mul(means, means), -1), 0));
    maha = mul(sq, unsqueeze(prec, 0));
  }
  const logRho = add(add(mul(add(maha, d * LOG_2PI), -0.5), unsqueeze(logDet, 0)), unsqueeze(logWeights, 0));
  const logProb = logsumexp(logRho, -1);
  return { resp: exp(sub(logRho, unsqueeze(logProb, 1))), logProb };
}

/**
 * M-step statistics from responsibilities R [n, k]: nk = Σ_i r_ik (+ 10·eps, as sklearn), means, and the
 * covariances without reg_covar (the host adds it): full [k,d,d], tied [d,d], diag [k,d], spherical [k].
 */
export function gmmMStep(b: GraphBuilder, type: CovarianceType, d: number, k: number): { nk: Value; means: Value; covariances: Value } {
  const X = b.data('X', 'float32', ['n', d]);
  const R = b.data('resp', 'float32', ['n', k]);
  const nk = add(sum(R, 0), 10 * 2.220446049250313e-16);
  const Rt = swapLast(R);
  const means = div(matmul(Rt, X), unsqueeze(nk, 1));
  let covariances: Value;
  if (type === 'full' || type === 'tied') {
    const D = centred(X, means); // [k, n, d]
    const S = matmul(swapLast(mul(D, unsqueeze(Rt, 2))), D); // Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ  [k, d, d]
    covariances = type === 'full' ? div(S, unsqueeze(unsqueeze(nk, 1), 2)) : div(sum(S, 0), sum(nk));
  } else {
    // sklearn's diag estimate E_r[x²] − 2μ·E_r[x] + μ² = E_r[x²] − μ² (≥ 0 up to rounding; the host clamps)
    const diag = sub(div(matmul(Rt, mul(X, X)), unsqueeze(nk, 1)), mul(means, means));
    covariances = type === 'diag' ? diag : div(sum(diag, -1), d);
  }
  return { nk, means, covariances };
}

const cache = new Map<string, { eStep: Graph; mStep: Graph }>();

/** The E- and M-step graphs of one (type, d, k), traced once per process (backends cache compiled graphs by identity). */
export function gmmGraphs(type: CovarianceType, d: number, k: number): { eStep: Graph; mStep: Graph } {
  let g = cache.get(`${type},${d},${k}`);
  if (!g) {
    g = {
      eStep: trace(`gmm_${type}_estep`, (b) => ({ ...gmmEStep(b, type, d, k) })),
      mStep: trace(`gmm_${type}_mstep`, (b) => ({ ...gmmMStep(b, type, d, k) })),
    };
    cache.set(`${type},${d},${k}`, g);
  }
  return g;
}
