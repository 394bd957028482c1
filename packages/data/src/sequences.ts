// Synthetic sequence data shipped as code with a seed: token sequences from a known order-1 Markov chain
// (for masked-token modelling, with the exact Bayes posterior of a masked token by forward–backward) and
// frame sequences from a known switching process (for the wav2vec 2.0 pieces).
import { Philox, Tensor } from '@repkit/core';

export interface MarkovChain {
  /** Number of items (states). */
  items: number;
  /** Row-stochastic transition matrix P[i·items + j] = p(x_{t+1} = j | x_t = i). */
  P: Float64Array;
  /** Stationary distribution: the law of the first token. */
  pi: Float64Array;
}

export interface MarkovChainOptions {
  /** Item vocabulary size (default 30). */
  items?: number;
  /** Likely successors per item (default 3): what makes a neighbour informative. */
  successors?: number;
  /** Mass spread uniformly over every item (default 0.1): what keeps neighbours from being decisive. */
  floor?: number;
  /** Seed of the transition matrix (default 0). */
  seed?: number;
}

const checkIntArg = (name: string, v: number, min: number): void => {
  if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${v}`);
};

/** A seeded chain: each item has `successors` favoured next items with weights ∝ 1/(rank+1), plus a uniform floor. */
export function markovChain({ items = 30, successors = 3, floor = 0.1, seed = 0 }: MarkovChainOptions = {}): MarkovChain {
  checkIntArg('items', items, 2);
  checkIntArg('successors', successors, 1);
  if (successors > items) throw new Error(`successors (${successors}) must be ≤ items (${items})`);
  if (!(floor > 0 && floor < 1)) throw new Error(`floor must be in (0, 1), got ${floor}`);
  const rng = new Philox(seed, 0x5e9);
  const P = new Float64Array(items * items);
  const w = Array.from({ length: successors }, (_, r) => 1 / (r + 1));
  const wsum = w.reduce((a, b) => a + b, 0);
  for (let i = 0; i < items; i++) {
    for (let j = 0; j < items; j++) P[i * items + j] = floor / items;
    const next = rng.choice(items, successors);
    next.forEach((j, r) => (P[i * items + j] += ((1 - floor) * w[r]!) / wsum));
  }
  // Stationary law by power iteration (the floor makes the chain primitive, so this converges).
  let pi = new Float64Array(items).fill(1 / items);
  for (let it = 0; it < 10_000; it++) {
    const nxt = new Float64Array(items);
    for (let i = 0; i < items; i++) for (let j = 0; j < items; j++) nxt[j] += pi[i]! * P[i * items + j]!;
    const diff = nxt.reduce((s, v, j) => s + Math.abs(v - pi[j]!), 0);
    pi = nxt;
    if (diff < 1e-15) break;
  }
  return { items, P, pi };
}

/** n sequences of `length` items (int32 [n, length]): first item from π, then the chain. */
export function sampleMarkov(chain: MarkovChain, n: number, length: number, rng: Philox): Tensor {
  checkIntArg('n', n, 1);
  checkIntArg('length', length, 1);
  const V = chain.items;
  const out = new Int32Array(n * length);
  const draw = (p: (j: number) => number): number => {
    let u = rng.uniform(), j = 0;
    for (; j < V - 1; j++) {
      u -= p(j);
      if (u < 0) break;
    }
    return j;
  };
  for (let s = 0; s < n; s++) {
    let x = draw((j) => chain.pi[j]!);
    out[s * length] = x;
    for (let t = 1; t < length; t++) {
      const row = x * V;
      x = draw((j) => chain.P[row + j]!);
      out[s * length + t] = x;
    }
  }
  return new Tensor('int32', [n, length], out);
}

/**
 * The corruption a masked-token model sees, per position, as an emission law p(observed | true item):
 * a position is selected with probability `select`; a selected one shows [MASK] with `mask`, a uniform
 * random item with `random`, and its own item otherwise (BERT's 80/10/10, ssl-semi.md §2.6).
 */
export interface Corruption {
  select: number;
  mask: number;
  random: number;
}

export const BERT_CORRUPTION: Corruption = { select: 0.15, mask: 0.8, random: 0.1 };

/** Observed symbol at a position: an item id, or MASKED for a [MASK] token. */
export const MASKED = -1;

/**
 * p(x_t = · | observed sequence, t selected) for every position t of one sequence, by forward–backward
 * on the chain with the per-position emission law of `c` (selection independent per position, as
 * Bernoulli selection makes it). Returns [length × items] posteriors, row t conditioned on t being selected.
 */
export function maskedPosteriors(chain: MarkovChain, observed: ArrayLike<number>, c: Corruption = BERT_CORRUPTION): Float64Array {
  const V = chain.items, T = observed.length, P = chain.P;
  const keep = 1 - c.mask - c.random;
  // Emission e_t(x) = p(obs_t | x) unconditioned on selection, and the selected-only law s_t(x).
  const sel = (o: number, x: number): number => (o === MASKED ? c.mask : c.random / V + (o === x ? keep : 0));
  const emit = (o: number, x: number): number => (1 - c.select) * (o === x ? 1 : 0) + c.select * sel(o, x);
  const alpha = new Float64Array(T * V), beta = new Float64Array(T * V);
  for (let x = 0; x < V; x++) alpha[x] = chain.pi[x]! * emit(observed[0]!, x);
  const normalise = (a: Float64Array, off: number): void => {
    let s = 0;
    for (let x = 0; x < V; x++) s += a[off + x]!;
    for (let x = 0; x < V; x++) a[off + x]! /= s;
  };
  normalise(alpha, 0);
  for (let t = 1; t < T; t++) {
    for (let y = 0; y < V; y++) {
      let s = 0;
      for (let x = 0; x < V; x++) s += alpha[(t - 1) * V + x]! * P[x * V + y]!;
      alpha[t * V + y] = s * emit(observed[t]!, y);
    }
    normalise(alpha, t * V);
  }
  beta.fill(1, (T - 1) * V);
  for (let t = T - 2; t >= 0; t--) {
    for (let x = 0; x < V; x++) {
      let s = 0;
      for (let y = 0; y < V; y++) s += P[x * V + y]! * emit(observed[t + 1]!, y) * beta[(t + 1) * V + y]!;
      beta[t * V + x] = s;
    }
    normalise(beta, t * V);
  }
  // Swap position t's own emission for the selected-only law: p(x_t | obs, t selected) ∝ α̃_t β_t s_t.
  const post = new Float64Array(T * V);
  for (let t = 0; t < T; t++) {
    let left = new Float64Array(V);
    if (t === 0) left = Float64Array.from(chain.pi);
    else for (let y = 0; y < V; y++) for (let x = 0; x < V; x++) left[y] += alpha[(t - 1) * V + x]! * P[x * V + y]!;
    for (let x = 0; x < V; x++) post[t * V + x] = left[x]! * beta[t * V + x]! * sel(observed[t]!, x);
    normalise(post, t * V);
  }
  return post;
}

/** The Bayes-optimal decision at each scored position and its accuracy; `expected` is the mean max posterior. */
export interface BayesRate {
  accuracy: number;
  expected: number;
  positions: number;
}

/**
 * Bayes-optimal masked-token accuracy on given sequences: `items` [n, T] true items, `observed` [n, T]
 * (MASKED or an item), `selected` [n, T] 0/1. The decision argmax p(x_t | observed, t selected) is the
 * best any model of the corrupted input can do on the selected positions.
 */
export function bayesMaskedAccuracy(chain: MarkovChain, items: Tensor, observed: Tensor, selected: Tensor, c: Corruption = BERT_CORRUPTION): BayesRate {
  const [n, T] = items.shape as [number, number];
  const V = chain.items;
  let hit = 0, expected = 0, positions = 0;
  for (let s = 0; s < n; s++) {
    const post = maskedPosteriors(chain, observed.data.subarray(s * T, (s + 1) * T) as Int32Array, c);
    for (let t = 0; t < T; t++) {
      if (!selected.data[s * T + t]) continue;
      let best = 0;
      for (let x = 1; x < V; x++) if (post[t * V + x]! > post[t * V + best]!) best = x;
      hit += best === items.data[s * T + t] ? 1 : 0;
      expected += post[t * V + best]!;
      positions++;
    }
  }
  return { accuracy: hit / positions, expected: expected / positions, positions };
}

/**
 * log p(observed) of one corrupted segment of the chain whose first item has law `init` (default π), with
 * the per-position emission law of `c` unconditioned on selection (scaled forward recursion).
 */
export function corruptedLogLikelihood(chain: MarkovChain, observed: ArrayLike<number>, c: Corruption = BERT_CORRUPTION, init: ArrayLike<number> = chain.pi): number {
  const V = chain.items, T = observed.length, P = chain.P;
  if (T === 0) return 0;
  const keep = 1 - c.mask - c.random;
  const emit = (o: number, x: number): number => (1 - c.select) * (o === x ? 1 : 0) + c.select * (o === MASKED ? c.mask : c.random / V + (o === x ? keep : 0));
  let a = new Float64Array(V), logp = 0;
  for (let x = 0; x < V; x++) a[x] = init[x]! * emit(observed[0]!, x);
  for (let t = 0; ; t++) {
    let s = 0;
    for (let x = 0; x < V; x++) s += a[x]!;
    logp += Math.log(s);
    if (t === T - 1) return logp;
    const nxt = new Float64Array(V);
    for (let x = 0; x < V; x++) {
      const ax = a[x]! / s;
      if (ax) for (let y = 0; y < V; y++) nxt[y] += ax * P[x * V + y]!;
    }
    for (let y = 0; y < V; y++) nxt[y] *= emit(observed[t + 1]!, y);
    a = nxt;
  }
}

/**
 * Bayes-optimal next-sentence accuracy on corrupted `[CLS] A [SEP] B [SEP]` pairs cut from chain sequences
 * at `split`: `observed` [n, T] is A (positions < split) then B as the model saw them (item or MASKED),
 * `isNotNext` [n] the truth (0: B continues A; 1: B is the second part of another, independent sequence, so
 * its first item has the stationary law π). With equal priors the decision compares
 * p(A B | IsNext) = p(observed) with p(A B | NotNext) = p(A)·p(B); `expected` is the mean maximal posterior.
 */
export function bayesNspAccuracy(chain: MarkovChain, observed: Tensor, isNotNext: Tensor, split: number, c: Corruption = BERT_CORRUPTION): BayesRate {
  if (observed.rank !== 2) throw new Error(`observed must be [n, T], got [${observed.shape.join(', ')}]`);
  const [n, T] = observed.shape as [number, number];
  if (isNotNext.size !== n) throw new Error(`isNotNext has ${isNotNext.size} labels for ${n} pairs`);
  if (!Number.isInteger(split) || split < 1 || split >= T) throw new Error(`split must be an integer in [1, ${T - 1}], got ${split}`);
  let hit = 0, expected = 0;
  for (let s = 0; s < n; s++) {
    const o = observed.data.subarray(s * T, (s + 1) * T);
    const llr = corruptedLogLikelihood(chain, o, c) - corruptedLogLikelihood(chain, o.subarray(0, split), c) - corruptedLogLikelihood(chain, o.subarray(split), c);
    const notNext = llr < 0 ? 1 : 0;
    hit += notNext === isNotNext.data[s] ? 1 : 0;
    expected += 1 / (1 + Math.exp(-Math.abs(llr)));
  }
  return { accuracy: hit / n, expected: expected / n, positions: n };
}

export interface SwitchingProcess {
  /** Hidden regimes. */
  regimes: number;
  /** Frame dimension. */
  dim: number;
  /** Regime transition matrix [regimes × regimes], row-stochastic. */
  R: Float64Array;
  /** Regime means μ_k [regimes × dim]. */
  means: Float64Array;
  /** Carry-over a: x_t = a·x_{t−1} + (1 − a)·μ_{k_t} + σ·ε. */
  a: number;
  sigma: number;
}

export interface SwitchingProcessOptions {
  /** Hidden regimes (default 16: more than the entries of one wav2vec codebook, V = 8). */
  regimes?: number;
  /** Frame dimension (default 8). */
  dim?: number;
  /** Probability of staying in a regime per step (default 0.95: mean run 20 steps). */
  stay?: number;
  /** Carry-over of the previous frame (default 0.5). */
  a?: number;
  /** Noise std (default 0.1). */
  sigma?: number;
  /** Norm of each regime mean (default 2). */
  scale?: number;
  seed?: number;
}

/** A seeded switching linear process: sticky Markov regimes, each pulling the frame toward its own mean. */
export function switchingProcess({ regimes = 16, dim = 8, stay = 0.95, a = 0.5, sigma = 0.1, scale = 2, seed = 0 }: SwitchingProcessOptions = {}): SwitchingProcess {
  checkIntArg('regimes', regimes, 2);
  checkIntArg('dim', dim, 1);
  if (!(stay >= 0 && stay < 1)) throw new Error(`stay must be in [0, 1), got ${stay}`);
  if (!(a >= 0 && a < 1)) throw new Error(`a must be in [0, 1), got ${a}`);
  if (!(sigma >= 0)) throw new Error(`sigma must be ≥ 0, got ${sigma}`);
  const rng = new Philox(seed, 0x5e1);
  const R = new Float64Array(regimes * regimes);
  for (let i = 0; i < regimes; i++) for (let j = 0; j < regimes; j++) R[i * regimes + j] = i === j ? stay : (1 - stay) / (regimes - 1);
  const means = rng.normals(regimes * dim);
  for (let k = 0; k < regimes; k++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += means[k * dim + d]! ** 2;
    for (let d = 0; d < dim; d++) means[k * dim + d] = (means[k * dim + d]! * scale) / Math.sqrt(s);
  }
  return { regimes, dim, R, means, a, sigma };
}

/** n sequences of `length` frames: frames float32 [n, length, dim] and their regimes int32 [n, length]. */
export function sampleSwitching(p: SwitchingProcess, n: number, length: number, rng: Philox): { frames: Tensor; regimes: Tensor } {
  checkIntArg('n', n, 1);
  checkIntArg('length', length, 1);
  const { regimes: K, dim: D } = p;
  const frames = new Float32Array(n * length * D), ks = new Int32Array(n * length);
  for (let s = 0; s < n; s++) {
    let k = rng.integer(0, K);
    const x = new Float64Array(D);
    for (let d = 0; d < D; d++) x[d] = p.means[k * D + d]!;
    for (let t = 0; t < length; t++) {
      if (t > 0) {
        let u = rng.uniform(), j = 0;
        for (; j < K - 1; j++) {
          u -= p.R[k * K + j]!;
          if (u < 0) break;
        }
        k = j;
      }
      const eps = rng.normals(D);
      for (let d = 0; d < D; d++) {
        x[d] = p.a * x[d]! + (1 - p.a) * p.means[k * D + d]! + p.sigma * eps[d]!;
        frames[(s * length + t) * D + d] = x[d]!;
      }
      ks[s * length + t] = k;
    }
  }
  return { frames: new Tensor('float32', [n, length, D], frames), regimes: new Tensor('int32', [n, length], ks) };
}
