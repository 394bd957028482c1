// Batch and layer normalisation as composites (Ioffe & Szegedy 2015, eq. in Alg. 1; Ba et al. 2016, eq. 4).
import type { Value } from '../ir/graph.ts';
import { normalizeAxis } from '../ir/types.ts';
import { add, div, expand, mean, mul, reshape, sqrt, sub, sum } from './prims.ts';

export interface BatchNormStats {
  /** Per-channel mean, shape [C]. */
  mean: Value;
  /** Per-channel variance, shape [C]. */
  variance: Value;
}

export interface BatchNormOptions {
  /** The channel axis (default 1: [N, C] and NCHW). */
  axis?: number;
  /** Added to the variance before the square root (default 1e-5, as PyTorch). */
  eps?: number;
  /** Weight of the batch statistic in the running update (default 0.1, as PyTorch). */
  momentum?: number;
  /** Running statistics to update; the result then carries their new values. */
  running?: BatchNormStats;
}

export interface BatchNormResult {
  y: Value;
  /** The batch mean and biased variance, shape [C] (the ones y was normalised with). */
  mean: Value;
  variance: Value;
  /** (1 − momentum)·running + momentum·batch, the variance unbiased by n/(n − 1) as PyTorch. */
  running?: BatchNormStats;
}

/** `v` [C] shaped to broadcast along `axis` of `x`. */
function alongAxis(v: Value, x: Value, axis: number): Value {
  return reshape(v, x.shape.map((d, i) => (i === axis ? d : 1)));
}

function checkChannel(op: string, v: Value, x: Value, axis: number, what: string): void {
  if (v.rank !== 1 || v.shape[0] !== x.shape[axis]) {
    throw new Error(`${op}: ${what} must have shape [${x.shape[axis]}] (the size of axis ${axis} of x), got [${v.shape.join(', ')}]`);
  }
}

/** Training-mode batch normalisation: normalise with the batch's own per-channel statistics. */
export function batchNorm(x: Value, gamma: Value, beta: Value, { axis = 1, eps = 1e-5, momentum = 0.1, running }: BatchNormOptions = {}): BatchNormResult {
  const c = normalizeAxis(axis, x.rank, 'batchNorm');
  checkChannel('batchNorm', gamma, x, c, 'gamma');
  checkChannel('batchNorm', beta, x, c, 'beta');
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`batchNorm: momentum must be in [0, 1], got ${momentum}`);
  const others = x.shape.flatMap((_, i) => (i === c ? [] : [i]));
  const mu = mean(x, others, true);
  const centred = sub(x, mu);
  const v = mean(mul(centred, centred), others, true);
  const y = add(mul(div(centred, sqrt(add(v, eps))), alongAxis(gamma, x, c)), alongAxis(beta, x, c));
  const out: BatchNormResult = { y, mean: reshape(mu, [x.shape[c]!]), variance: reshape(v, [x.shape[c]!]) };
  if (running) {
    checkChannel('batchNorm', running.mean, x, c, 'running.mean');
    checkChannel('batchNorm', running.variance, x, c, 'running.variance');
    const n = others.every((i) => typeof x.shape[i] === 'number')
      ? others.reduce((p, i) => p * (x.shape[i] as number), 1)
      : sum(expand(x.builder.literal(1, x.dtype), x.shape), others); // a symbolic batch: count at run time
    const unbiased = typeof n === 'number' ? mul(out.variance, n / Math.max(n - 1, 1)) : div(mul(out.variance, n), sub(n, 1));
    const blend = (r: Value, b: Value): Value => add(mul(r, 1 - momentum), mul(b, momentum));
    out.running = { mean: blend(running.mean, out.mean), variance: blend(running.variance, unbiased) };
  }
  return out;
}

/** Inference-mode batch normalisation with running statistics: (x − mean) / √(var + eps) · gamma + beta. */
export function batchNormInference(x: Value, gamma: Value, beta: Value, running: BatchNormStats, { axis = 1, eps = 1e-5 }: BatchNormOptions = {}): Value {
  const c = normalizeAxis(axis, x.rank, 'batchNormInference');
  for (const [v, what] of [[gamma, 'gamma'], [beta, 'beta'], [running.mean, 'running.mean'], [running.variance, 'running.variance']] as const) {
    checkChannel('batchNormInference', v, x, c, what);
  }
  const scale = div(gamma, sqrt(add(running.variance, eps)));
  return add(mul(sub(x, alongAxis(running.mean, x, c)), alongAxis(scale, x, c)), alongAxis(beta, x, c));
}

export interface LayerNormOptions {
  /** How many trailing dims are normalised together (default 1). */
  dims?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
}

/** Layer normalisation over the trailing `dims` dims; gamma and beta (optional) have those dims' shape. */
export function layerNorm(x: Value, gamma?: Value, beta?: Value, { dims = 1, eps = 1e-5 }: LayerNormOptions = {}): Value {
  if (!Number.isInteger(dims) || dims < 1 || dims > x.rank) throw new Error(`layerNorm: dims must be an integer in [1, ${x.rank}], got ${dims}`);
  const axes = Array.from({ length: dims }, (_, i) => x.rank - dims + i);
  const tail = x.shape.slice(x.rank - dims);
  for (const [v, what] of [[gamma, 'gamma'], [beta, 'beta']] as const) {
    if (v && (v.rank !== dims || v.shape.some((d, i) => d !== tail[i]))) {
      throw new Error(`layerNorm: ${what} must have shape [${tail.join(', ')}] (the normalised dims), got [${v.shape.join(', ')}]`);
    }
  }
  const centred = sub(x, mean(x, axes, true));
  let y = div(centred, sqrt(add(mean(mul(centred, centred), axes, true), eps)));
  if (gamma) y = mul(y, gamma);
  if (beta) y = add(y, beta);
  return y;
}
