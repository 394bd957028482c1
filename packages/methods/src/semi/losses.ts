// The unlabelled-data losses of the semi-supervised recipes (ssl-semi.md §3), one function each, built
// from core's soft-target blocks. Targets the model makes for itself pass through stopGradient.
import {
  add, argmax, cast, crossEntropy, entropyFromLogits, klDivergenceLogits, less, max, mean, mul, oneHot, softCrossEntropy,
  softmax, stopGradient, sub, type Value,
} from '@repkit/core';

function classesOf(logits: Value, fn: string): number {
  const c = logits.shape[logits.rank - 1];
  if (typeof c !== 'number') throw new Error(`${fn}: the class dim of the logits must be static`);
  return c;
}

/** A probability threshold τ ∈ (0, 1), checked at the door. */
export function checkThreshold(name: string, tau: number): void {
  if (!(tau > 0 && tau < 1)) throw new Error(`${name} must be a probability threshold in (0, 1), got ${tau}`);
}

/** A temperature T > 0, checked at the door. */
export function checkTemperature(name: string, T: number): void {
  if (!(T > 0) || !Number.isFinite(T)) throw new Error(`${name} must be a positive temperature, got ${T}`);
}

export interface FixMatchUnlabelled {
  /** L_u = (1/μB) Σ_b m_b · CE(q̂_b, p(y | A(u_b))): divided by all μB rows, not by Σ m. */
  loss: Value;
  /** m_b = 1[max q_b ≥ τ] (float). */
  mask: Value;
  /** q̂_b = argmax q_b (int32). */
  pseudo: Value;
}

/** FixMatch's unlabelled term (§3.3): confident pseudo-labels from the weak view train the strong view. */
export function fixmatchUnlabelledLoss(weakLogits: Value, strongLogits: Value, tau: number): FixMatchUnlabelled {
  checkThreshold('fixmatch threshold tau', tau);
  const C = classesOf(weakLogits, 'fixmatchUnlabelledLoss');
  const q = stopGradient(softmax(weakLogits, -1));
  const pseudo = argmax(q, -1);
  // p ≥ τ as "not p < τ": the comparison of ssl-semi.md §8.
  const mask = sub(1, cast(less(max(q, -1), tau), q.dtype));
  const ce = softCrossEntropy(strongLogits, oneHot(pseudo, C, strongLogits.dtype));
  return { loss: mean(mul(mask, ce)), mask, pseudo };
}

export interface MixMatchLosses {
  /** L_X = mean over the mixed labelled rows of H(p′, p(y|x′)). */
  lx: Value;
  /** L_U = (1/(C·|U′|)) Σ ‖q′ − p(y|u′)‖²: a squared error on probabilities, not a cross-entropy. */
  lu: Value;
}

/** MixMatch's two terms (§3.4) from the logits and mixed targets of X′ and U′. */
export function mixmatchLosses(logitsX: Value, targetsX: Value, logitsU: Value, targetsU: Value): MixMatchLosses {
  const d = sub(softmax(logitsU, -1), targetsU);
  return { lx: mean(softCrossEntropy(logitsX, targetsX)), lu: mean(mul(d, d)) };
}

/** Mean Teacher's consistency J (§3.5): mean over rows of (1/C)‖softmax(student) − sg(softmax(teacher))‖². */
export function meanTeacherConsistency(studentLogits: Value, teacherLogits: Value): Value {
  const d = sub(softmax(studentLogits, -1), stopGradient(softmax(teacherLogits, -1)));
  return mean(mul(d, d));
}

/** Entropy minimisation's term (§3.2): the mean entropy of the predictions, gradient through p. */
export function meanEntropy(logits: Value): Value {
  return mean(entropyFromLogits(logits));
}

export interface Distillation {
  /** KL(sg(p_t^T) ‖ p_s^T), batch mean (0 at a perfect match). */
  kl: Value;
  /** H(p_t^T, p_s^T): KL + H(p_t^T), the same gradient. */
  softCE: Value;
  /** CE(y, softmax(z_s)) at temperature 1. */
  hardCE: Value;
  /** α T² KL + (1 − α) hard CE. */
  loss: Value;
}

/** KL(sg(softmax(z_t/T)) ‖ softmax(z_s/T)), batch mean: the soft term of distillation (0 at a perfect match). */
export function softDistillation(studentLogits: Value, teacherLogits: Value, T: number): Value {
  checkTemperature('distillation temperature T', T);
  return mean(klDivergenceLogits(stopGradient(mul(teacherLogits, 1 / T)), mul(studentLogits, 1 / T), -1));
}

/** Knowledge distillation (§3.6): T² keeps the soft term's gradient independent of T. */
export function distillationLoss(studentLogits: Value, teacherLogits: Value, labels: Value, T: number, alpha: number): Distillation {
  checkTemperature('distillation temperature T', T);
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`distillation weight alpha must be in [0, 1], got ${alpha}`);
  const zs = mul(studentLogits, 1 / T), zt = stopGradient(mul(teacherLogits, 1 / T));
  const kl = softDistillation(studentLogits, teacherLogits, T);
  const softCE = mean(softCrossEntropy(zs, softmax(zt, -1)));
  const hardCE = crossEntropy(studentLogits, labels);
  return { kl, softCE, hardCE, loss: add(mul(kl, alpha * T * T), mul(hardCE, 1 - alpha)) };
}
