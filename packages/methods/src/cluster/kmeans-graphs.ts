// The k-means step graphs. Rows arrive centred and augmented with a ones column, Xa = [X, 1], so
// one matrix product gives ‖c‖² − 2xᵀc for every pair and one scatter-add gives sums and counts.
import {
  argmin, concat, div, matmul, maximum, minimum, mul, reshape, scatterAdd, slice, sqrt, sum, swapLast, trace, unsqueeze,
  add, type Graph, type GraphBuilder, type Value,
} from '@repkit/core';

/** W = [−2Cᵀ; ‖c‖²] (d+1 × k): Xa W = ‖c‖² − 2xᵀc, the squared distance less ‖x‖² (which no argmin needs). */
function distanceWeights(C: Value): Value {
  return concat([mul(swapLast(C), -2), unsqueeze(sum(mul(C, C), -1), 0)], 0);
}

/**
 * One Lloyd iteration (sklearn's `lloyd_iter_chunked_dense`): labels = argmin_j ‖x − c_j‖² (first index on
 * ties), centers = mean of the rows assigned to each centre (count 0 leaves 0: the host relocates it).
 */
export function kmeansStep(b: GraphBuilder, d: number, k: number): { labels: Value; centers: Value; counts: Value } {
  const Xa = b.data('Xa', 'float32', ['n', d + 1]);
  const C = b.data('C', 'float32', [k, d]);
  const labels = argmin(matmul(Xa, distanceWeights(C)), -1);
  const S = scatterAdd(labels, Xa, k); // [k, d+1]: per-centre sums, and the counts in the last column
  const counts = slice(S, [d], [d + 1], [1]);
  return { labels, centers: div(slice(S, [0], [d], [1]), maximum(counts, 1)), counts: reshape(counts, [k]) };
}

/**
 * k-means++ candidate potentials (Arthur & Vassilvitskii 2007, greedy variant of sklearn): for each of
 * `t` candidate centres, min(D²_i, ‖x_i − cand‖²) per row; the host sums the columns in float64.
 */
export function kmeansppDistances(b: GraphBuilder, d: number): { dist: Value } {
  const Xa = b.data('Xa', 'float32', ['n', d + 1]);
  const x2 = b.data('x2', 'float32', ['n']);
  const best = b.data('best', 'float32', ['n']);
  const cand = b.data('cand', 'float32', ['t', d]);
  const D = maximum(add(matmul(Xa, distanceWeights(cand)), unsqueeze(x2, 1)), 0);
  return { dist: minimum(D, unsqueeze(best, 1)) };
}

/** Euclidean distances to each centre [n, k] (sklearn's `transform`). */
export function kmeansTransform(b: GraphBuilder, d: number, k: number): { distances: Value } {
  const Xa = b.data('Xa', 'float32', ['n', d + 1]);
  const x2 = b.data('x2', 'float32', ['n']);
  const C = b.data('C', 'float32', [k, d]);
  return { distances: sqrt(maximum(add(matmul(Xa, distanceWeights(C)), unsqueeze(x2, 1)), 0)) };
}

const cache = new Map<string, { step: Graph; pp: Graph; transform: Graph }>();

/** The three graphs of one (d, k), traced once per process: backends that cache compiled graphs by identity reuse them. */
export function kmeansGraphs(d: number, k: number): { step: Graph; pp: Graph; transform: Graph } {
  let g = cache.get(`${d},${k}`);
  if (!g) {
    g = {
      step: trace('kmeans_step', (b) => ({ ...kmeansStep(b, d, k) })),
      pp: trace('kmeanspp_distances', (b) => kmeansppDistances(b, d)),
      transform: trace('kmeans_transform', (b) => kmeansTransform(b, d, k)),
    };
    cache.set(`${d},${k}`, g);
  }
  return g;
}
