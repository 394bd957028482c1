// Self-supervised losses (ssl-semi.md §2.1–2.4, §2.8; kge-graph-recsys-metric.md §7), each one function
// over traced values that reads like its formula. Batch sizes must be static: the masks are constants.
import {
  Tensor, add, concat, crossEntropy, div, exp, l2Normalize, log, logsumexp, matmul, maximum, mean, mul,
  reshape, softCrossEntropy, softmax, stopGradient, sub, sum, swapLast, type Value,
} from '@repkit/core';

/** Adding this to a logit removes it: −inf in float64, −1e9 in float32 (ssl-semi.md conventions). */
export const maskedLogit = (v: Value): number => (v.dtype === 'float64' ? -Infinity : -1e9);

function staticDim(fn: string, arg: string, v: Value, axis: number): number {
  const d = v.shape[axis < 0 ? v.rank + axis : axis];
  if (typeof d !== 'number') throw new Error(`${fn}: ${arg} needs a static size on axis ${axis}, got '${String(d)}'; trace the loss with a fixed batch`);
  return d;
}

function checkTau(fn: string, name: string, tau: number): void {
  if (!(tau > 0) || !Number.isFinite(tau)) throw new Error(`${fn}: temperature ${name} must be a positive number, got ${tau}`);
}

function checkRows(fn: string, a: [string, Value], b: [string, Value]): void {
  if (a[1].rank !== 2 || b[1].rank !== 2) throw new Error(`${fn}: ${a[0]} and ${b[0]} must be [batch, dim] matrices, got ranks ${a[1].rank} and ${b[1].rank}`);
  const [ra, ca] = a[1].shape, [rb, cb] = b[1].shape;
  if (ra !== rb || ca !== cb) throw new Error(`${fn}: ${a[0]} [${a[1].shape.join(', ')}] and ${b[0]} [${b[1].shape.join(', ')}] must have the same shape`);
}

/** A constant [n, n] tensor of the value's dtype: `at(i, j)` per entry. */
function constMatrix(like: Value, name: string, n: number, at: (i: number, j: number) => number): Value {
  const t = new Tensor(like.dtype, [n, n]);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t.data[i * n + j] = at(i, j);
  return like.builder.constant(like.builder.freshName(name), t);
}

/** The positive of row i in [view 1 of all N; view 2 of all N] is row (i + N) mod 2N. */
const partner = (i: number, n: number): number => (i + n) % (2 * n);

/**
 * SimCLR NT-Xent (Chen et al. 2020, eq. 1; ssl-semi.md §2.2): S = ẐẐᵀ/τ with S_ii removed,
 * ℓ_i = −S_{i,pos(i)} + logsumexp_k S_ik, L = mean over the 2N rows of Z = [z¹; z²].
 */
export function ntXent(z1: Value, z2: Value, tau = 0.5): Value {
  checkTau('ntXent', 'tau', tau);
  checkRows('ntXent', ['z1', z1], ['z2', z2]);
  const n = staticDim('ntXent', 'z1', z1, 0);
  const Z = l2Normalize(concat([z1, z2], 0));
  const S = div(matmul(Z, swapLast(Z)), tau);
  const diagonal = constMatrix(S, 'ntxent_diag', 2 * n, (i, j) => (i === j ? maskedLogit(S) : 0));
  const positive = constMatrix(S, 'ntxent_pos', 2 * n, (i, j) => (j === partner(i, n) ? 1 : 0));
  return mean(sub(logsumexp(add(S, diagonal), -1), sum(mul(S, positive), -1)));
}

export interface InfoNCEOptions {
  /** Temperature τ (default 1). */
  tau?: number;
  /** 'cosine' (default): sim = normalise(a)·normalise(b); 'dot': the un-normalised aᵀb (seed 003, use τ = 1). */
  sim?: 'cosine' | 'dot';
  /** 'mean' (default) over anchors, or 'none' for the per-anchor losses [B]. */
  reduction?: 'mean' | 'none';
}

/**
 * InfoNCE / NCE (ssl-semi.md §2.3): L_i = −log e^{s⁺_i/τ} / (e^{s⁺_i/τ} + Σ_k e^{s⁻_ik/τ}) with s⁺_i = sim(z¹_i, z²_i)
 * and negatives shared [N, p] or per anchor [B, N, p]: cross-entropy over [s⁺, s⁻]/τ with target 0.
 */
export function infoNCE(anchors: Value, positives: Value, negatives: Value, opts: InfoNCEOptions = {}): Value {
  const { tau = 1, sim = 'cosine', reduction = 'mean' } = opts;
  checkTau('infoNCE', 'tau', tau);
  if (sim !== 'cosine' && sim !== 'dot') throw new Error(`infoNCE: sim must be 'cosine' or 'dot', got '${String(sim)}'`);
  checkRows('infoNCE', ['anchors', anchors], ['positives', positives]);
  const p = anchors.shape[1];
  if ((negatives.rank !== 2 && negatives.rank !== 3) || negatives.shape[negatives.rank - 1] !== p) {
    throw new Error(`infoNCE: negatives must be shared [N, ${p}] or per anchor [batch, N, ${p}], got [${negatives.shape.join(', ')}]`);
  }
  const f = (v: Value): Value => (sim === 'cosine' ? l2Normalize(v) : v);
  const a = f(anchors), pos = f(positives), neg = f(negatives);
  const sPos = reshape(sum(mul(a, pos), -1), [anchors.shape[0]!, 1]);
  const sNeg = neg.rank === 2 ? matmul(a, swapLast(neg)) : sum(mul(reshape(a, [anchors.shape[0]!, 1, p!]), neg), -1);
  const logits = div(concat([sPos, sNeg], 1), tau);
  const perAnchor = sub(logsumexp(logits, -1), reshape(div(sPos, tau), [anchors.shape[0]!]));
  return reduction === 'none' ? perAnchor : mean(perAnchor);
}

export interface DebiasedOptions {
  /** Temperature t (default 0.5). */
  tau?: number;
  /** Class prior τ⁺ of a negative being a positive, in [0, 1) (default 0.1). */
  tauPlus?: number;
}

/** The shared part of DCL and HCL (kge-graph-recsys-metric.md §7.1): s = ZZᵀ, log pos, the negatives' mask, N. */
function contrastivePairs(fn: string, z1: Value, z2: Value, tau: number, tauPlus: number) {
  checkTau(fn, 'tau', tau);
  if (!(tauPlus >= 0 && tauPlus < 1)) throw new Error(`${fn}: tauPlus must be in [0, 1), got ${tauPlus}`);
  checkRows(fn, ['z1', z1], ['z2', z2]);
  const n = staticDim(fn, 'z1', z1, 0);
  const Z = l2Normalize(concat([z1, z2], 0));
  const s = matmul(Z, swapLast(Z));
  const negative = constMatrix(s, 'neg_mask', 2 * n, (i, j) => (i === j || j === partner(i, n) ? 0 : 1));
  const logPos = div(sum(mul(l2Normalize(z1), l2Normalize(z2)), -1), tau);
  return { s, negative, logPos: concat([logPos, logPos], 0), N: 2 * n - 2 };
}

/** L = mean_i −log(pos_i / (pos_i + Ng_i)) with Ng_i = max((X_i − τ⁺N·pos_i)/(1 − τ⁺), N e^{−1/t}). */
function debiasedLog(logPos: Value, X: Value, N: number, tau: number, tauPlus: number): Value {
  const pos = exp(logPos);
  const Ng = maximum(div(sub(X, mul(pos, tauPlus * N)), 1 - tauPlus), N * Math.exp(-1 / tau));
  return mean(sub(log(add(pos, Ng)), logPos));
}

/**
 * Debiased contrastive loss (Chuang et al. 2020, DCL code form; kge-graph-recsys-metric.md §7.2):
 * NT-Xent whose negative mass Σ_j e^{s_ij/t} is corrected by the positive prior τ⁺. τ⁺ = 0 is NT-Xent.
 */
export function debiasedContrastive(z1: Value, z2: Value, { tau = 0.5, tauPlus = 0.1 }: DebiasedOptions = {}): Value {
  const { s, negative, logPos, N } = contrastivePairs('debiasedContrastive', z1, z2, tau, tauPlus);
  const negSum = sum(mul(exp(div(s, tau)), negative), -1);
  return debiasedLog(logPos, negSum, N, tau, tauPlus);
}

export interface HardNegativeOptions extends DebiasedOptions {
  /** Concentration β on hard negatives (default 1); β = 0 is DCL. */
  beta?: number;
}

/**
 * Hard-negative contrastive loss (Robinson et al. 2021, HCL code form; kge-graph-recsys-metric.md §7.3):
 * negatives importance-weighted by imp_ij = e^{β s_ij/t}, reweight_i = Σ_j imp_ij e^{s_ij/t} / mean_j imp_ij.
 */
export function hardNegativeContrastive(z1: Value, z2: Value, { tau = 0.5, tauPlus = 0.1, beta = 1 }: HardNegativeOptions = {}): Value {
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new Error(`hardNegativeContrastive: beta must be ≥ 0, got ${beta}`);
  const { s, negative, logPos, N } = contrastivePairs('hardNegativeContrastive', z1, z2, tau, tauPlus);
  const neg = mul(exp(div(s, tau)), negative);
  const imp = mul(exp(mul(s, beta / tau)), negative);
  const reweight = div(sum(mul(imp, neg), -1), div(sum(imp, -1), N));
  return debiasedLog(logPos, reweight, N, tau, tauPlus);
}

export interface ResslLossOptions {
  /** Student temperature τ_s (default 0.1). */
  tauStudent?: number;
  /** Teacher temperature τ_t (default 0.04; sharper than the student's). */
  tauTeacher?: number;
}

/**
 * ReSSL relational loss (Zheng et al. 2021; ssl-semi.md §2.4): over the K queue entries,
 * p¹ = softmax(sim(z¹, Q)/τ_t) (teacher, detached), p² = softmax(sim(z², Q)/τ_s); L = mean_b H(sg(p¹), p²).
 */
export function resslLoss(teacher: Value, student: Value, queue: Value, { tauStudent = 0.1, tauTeacher = 0.04 }: ResslLossOptions = {}): Value {
  checkTau('resslLoss', 'tauStudent', tauStudent);
  checkTau('resslLoss', 'tauTeacher', tauTeacher);
  checkRows('resslLoss', ['teacher', teacher], ['student', student]);
  if (queue.rank !== 2 || queue.shape[1] !== teacher.shape[1]) {
    throw new Error(`resslLoss: queue must be [K, ${teacher.shape[1]}], got [${queue.shape.join(', ')}]`);
  }
  const Qt = swapLast(stopGradient(l2Normalize(queue)));
  const p1 = stopGradient(softmax(div(matmul(stopGradient(l2Normalize(teacher)), Qt), tauTeacher), -1));
  const logits2 = div(matmul(l2Normalize(student), Qt), tauStudent);
  return mean(softCrossEntropy(logits2, p1));
}

/**
 * RotNet (Gidaris et al. 2018; ssl-semi.md §2.1): logits [4B, 4] of the rows [rot 0 of all B; rot 1; rot 2; rot 3],
 * L = −(1/4B) Σ_{b,k} log F^k(rot(x_b, k)).
 */
export function rotationLoss(logits: Value): Value {
  if (logits.rank !== 2 || logits.shape[1] !== 4) throw new Error(`rotationLoss: logits must be [4·batch, 4], got [${logits.shape.join(', ')}]`);
  const rows = staticDim('rotationLoss', 'logits', logits, 0);
  if (rows % 4) throw new Error(`rotationLoss: logits must hold 4 rotations of each image, got ${rows} rows (not a multiple of 4)`);
  const labels = new Tensor('int32', [rows], Int32Array.from({ length: rows }, (_, i) => Math.floor(i / (rows / 4))));
  return crossEntropy(logits, logits.builder.constant(logits.builder.freshName('rot_labels'), labels));
}

export interface ConsistencyOptions {
  /** Detach the second branch (a Mean-Teacher-style target) instead of the Π-model's two-sided gradient (default false). */
  detachSecond?: boolean;
}

/**
 * Π-model consistency (ssl-semi.md §2.8): L = (1/B) Σ_b (1/C) ‖softmax(a_b) − softmax(b_b)‖², two stochastic
 * views of the same images; both branches carry gradient unless `detachSecond`.
 */
export function consistencyLoss(logitsA: Value, logitsB: Value, { detachSecond = false }: ConsistencyOptions = {}): Value {
  checkRows('consistencyLoss', ['logitsA', logitsA], ['logitsB', logitsB]);
  const pb = softmax(logitsB, -1);
  const d = sub(softmax(logitsA, -1), detachSecond ? stopGradient(pb) : pb);
  return mean(mul(d, d));
}

/** The consistency weight ramp w(t) = w_max·exp(−5(1 − t)²), t = step / rampLength clipped to 1 (ssl-semi.md §2.8). */
export function consistencyWeight(step: number, rampLength: number, wMax: number): number {
  if (!(rampLength >= 0)) throw new Error(`consistencyWeight: rampLength must be ≥ 0, got ${rampLength}`);
  const t = rampLength === 0 ? 1 : Math.min(Math.max(step / rampLength, 0), 1);
  return wMax * Math.exp(-5 * (1 - t) ** 2);
}
