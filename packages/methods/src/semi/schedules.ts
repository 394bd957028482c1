// Weight schedules of the consistency terms, and the checks of their settings.
import { consistencyWeight } from '../ssl/losses.ts';

/** A fraction in (0, 1], checked at the door. */
export function checkFraction(name: string, v: number): void {
  if (!(v > 0 && v <= 1)) throw new Error(`${name} must be a fraction of the steps in (0, 1], got ${v}`);
}

/** Linear ramp from 0 to `max` over the first `ramp` fraction of `steps` (t counted from 0). */
export function linearRamp(t: number, steps: number, ramp: number, max: number): number {
  return max * Math.min(1, t / (ramp * steps));
}

/** Sigmoid-shaped ramp w_max·exp(−5(1 − r)²), r = min(1, t / (ramp·steps)) (Laine & Aila; Mean Teacher). */
export function sigmoidRamp(t: number, steps: number, ramp: number, max: number): number {
  return consistencyWeight(t, ramp * steps, max);
}

/** Mean Teacher's EMA decay a = min(1 − 1/(t + 1), α): the first update copies the student. */
export function emaDecay(t: number, alpha: number): number {
  return Math.min(1 - 1 / (t + 1), alpha);
}
