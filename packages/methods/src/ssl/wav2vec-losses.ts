// wav2vec 2.0's pieces (Baevski et al. 2020; ssl-semi.md §2.5): the Gumbel product quantiser (§2.5.2,
// eq. 1–2), the contrastive loss over K distractors (§2.5.3, eq. 3), the diversity loss in the seed's and
// the reference code's perplexity form (§2.5.4, eq. 4) and their total L_m + α L_d.
import {
  Tensor, abs, add, argmax, cast, concat, div, equal, exp, gather, gumbelSoftmaxFed, l2Normalize, log, logsumexp, matmul,
  maximum, mean, mul, neg, oneHot, reshape, softmax, squeeze, sub, sum, unsqueeze, where, type Value,
} from '@repkit/core';

export interface QuantiserParams {
  /** Logit projection W [ch, G·V] and bias [G·V]. */
  Wl: Value;
  bl: Value;
  /** Codebooks e [G, V, d/G]. */
  codebooks: Value;
  /** project_q: W_q [d, D] and bias [D]. */
  Wq: Value;
  bq: Value;
}

export interface Quantised {
  /** Quantised vectors q [B, T, D]. */
  q: Value;
  /** Codebook logits l [B, T, G, V] (no noise, no τ: the diversity loss reads these). */
  logits: Value;
  /** Selected entry per group [B, T, G] (int32). */
  index: Value;
}

function staticDims(fn: string, v: Value, what: string): number[] {
  if (!v.shape.every((d) => typeof d === 'number')) throw new Error(`${fn}: ${what} needs static dims, got [${v.shape.join(', ')}]; trace with a fixed batch`);
  return v.shape as number[];
}

/**
 * The product quantiser on latents z [B, T, ch]: l = zW + b per group; training (`u` and `invTau` given):
 * straight-through Gumbel-softmax onehot(argmax(l + n)) − sg(p) + p; inference (no `u`): onehot(argmax l).
 * q = W_q · concat_g Σ_v y_{g,v} e_{g,v} + b_q.
 */
export function quantise(z: Value, p: QuantiserParams, noise?: { u: Value; invTau: Value }): Quantised {
  const [B, T] = staticDims('quantise', z, 'z');
  const [G, V, e] = staticDims('quantise', p.codebooks, 'codebooks');
  const logits = reshape(add(matmul(z, p.Wl), p.bl), [B!, T!, G!, V!]);
  let y: Value, index: Value;
  if (noise) {
    if (noise.u.rank !== 4) throw new Error(`quantise: u must be [B, T, G, V] uniforms, got rank ${noise.u.rank}`);
    ({ hard: y, index } = gumbelSoftmaxFed(logits, noise.u, noise.invTau));
  } else {
    index = argmax(logits, -1);
    y = oneHot(index, V!, logits.dtype);
  }
  // [B, T, G, 1, V] × [G, V, e] → [B, T, G, 1, e]: each group picks (a mixture of) its own entries.
  const codes = reshape(matmul(unsqueeze(y, 3), p.codebooks), [B!, T!, G! * e!]);
  return { q: add(matmul(codes, p.Wq), p.bq), logits, index };
}

/** Rows of x [B, T, D] at per-row step indices [B, S] → [B, S, D]. */
export function gatherSteps(x: Value, index: Value): Value {
  const [B, T, D] = staticDims('gatherSteps', x, 'x');
  const [, S] = staticDims('gatherSteps', index, 'index');
  const offsets = new Tensor('int32', [B!, 1], Int32Array.from({ length: B! }, (_, b) => b * T!));
  const flat = add(index, x.builder.constant(x.builder.freshName('row_offsets_'), offsets));
  return reshape(gather(reshape(x, [B! * T!, D!]), reshape(flat, [B! * S!])), [B!, S!, D!]);
}

export interface ContrastiveResult {
  /** L_m: mean over all masked steps of the batch. */
  loss: Value;
  /** Per masked step [B, T_m]. */
  perStep: Value;
  /** Logits [B, T_m, 1 + K], the positive first; distractors identical to it are −inf / −1e9. */
  logits: Value;
  /** 1 where the positive has the largest logit [B, T_m] (float). */
  correct: Value;
}

/**
 * L_m = −log exp(sim(c_t, q_t)/κ) / Σ_{q̃ ∈ {q_t} ∪ distractors} exp(sim(c_t, q̃)/κ) over masked steps:
 * c, q [B, T_m, D] at the masked steps; distractors [B, T_m, K] index other masked steps of the same row.
 * `weight` [B, T_m] (optional, 0/1) lets a fixed-size batch carry padding steps: the mean is over weight 1.
 * `identity` [B, T_m, k] (default q) decides which distractors equal the positive: pass the code ids (as
 * floats), since straight-through vectors of the same codewords can differ in the last bit (1 − p + p ≠ 1).
 */
export function contrastiveLoss(c: Value, q: Value, distractors: Value, kappa = 0.1, weight?: Value, identity: Value = q): ContrastiveResult {
  if (!(kappa > 0)) throw new Error(`contrastiveLoss: temperature kappa must be positive, got ${kappa}`);
  const [B, Tm, D] = staticDims('contrastiveLoss', q, 'q');
  const [, , K] = staticDims('contrastiveLoss', distractors, 'distractors');
  const flatIdx = reshape(distractors, [B!, Tm! * K!]);
  const negs = reshape(gatherSteps(q, flatIdx), [B!, Tm!, K!, D!]);
  const pos = unsqueeze(q, 2);
  const k = identity.shape[2] as number;
  const idNegs = reshape(gatherSteps(identity, flatIdx), [B!, Tm!, K!, k]);
  const cn = unsqueeze(l2Normalize(c, -1), 2);
  const simPos = mul(sum(mul(cn, l2Normalize(pos, -1)), -1), 1 / kappa); // [B, Tm, 1]
  const simNeg = mul(sum(mul(cn, l2Normalize(negs, -1)), -1), 1 / kappa); // [B, Tm, K]
  // A distractor equal to the positive (same codewords) is not a negative: its logit is removed.
  const same = equal(sum(abs(sub(idNegs, unsqueeze(identity, 2))), -1), 0);
  const logits = concat([simPos, where(same, c.dtype === 'float64' ? -Infinity : -1e9, simNeg)], 2);
  const perStep = sub(logsumexp(logits, -1), squeeze(simPos, 2));
  const correct = cast(equal(argmax(logits, -1), 0), c.dtype);
  const loss = weight ? div(sum(mul(perStep, weight)), maximum(sum(weight), 1)) : mean(perStep);
  return { loss, perStep, logits, correct };
}

export type DiversityForm = 'entropy' | 'perplexity';

/**
 * Diversity over codebook logits [..., G, V] (averaged over every leading position, no noise, no τ):
 * 'entropy' (the seed's): (1/GV) Σ_g Σ_v p̄ log p̄; 'perplexity' (reference code): (GV − Σ_g exp H(p̄_g)) / GV.
 */
export function diversityLoss(logits: Value, form: DiversityForm = 'entropy'): Value {
  const [G, V] = staticDims('diversityLoss', logits, 'logits').slice(-2);
  const lead = Array.from({ length: logits.rank - 2 }, (_, i) => i);
  const pbar = mean(softmax(logits, -1), lead); // [G, V]
  const plogp = mul(pbar, log(maximum(pbar, 1e-30)));
  if (form === 'entropy') return mul(sum(plogp), 1 / (G! * V!));
  if (form !== 'perplexity') throw new Error(`diversityLoss: form must be 'entropy' or 'perplexity', got '${String(form)}'`);
  const perplexity = sum(exp(neg(sum(plogp, -1))));
  return mul(sub(G! * V!, perplexity), 1 / (G! * V!));
}

/** Total L = L_m + α L_d (α = 0.1 in the paper). */
export function wav2vecLoss(contrastive: Value, diversity: Value, alpha = 0.1): Value {
  if (!(alpha >= 0)) throw new Error(`wav2vecLoss: alpha must be ≥ 0, got ${alpha}`);
  return add(contrastive, mul(diversity, alpha));
}

