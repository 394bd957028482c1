// Beta(α, β) draws on the host for MixMatch's λ, from the run's Philox: Beta = X/(X + Y) with X ~ Γ(α),
// Y ~ Γ(β), Gamma by Marsaglia & Tsang (2000), boosted by U^{1/a} for shapes below 1.
import type { Philox } from '@repkit/core';

/** One Γ(shape, 1) draw. */
export function gammaSample(rng: Philox, shape: number): number {
  if (!(shape > 0)) throw new Error(`gamma shape must be positive, got ${shape}`);
  if (shape < 1) return gammaSample(rng, shape + 1) * Math.pow(1 - rng.uniform(), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.uniform(); // in (0, 1]: log stays finite
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One Beta(a, b) draw. */
export function betaSample(rng: Philox, a: number, b: number): number {
  const x = gammaSample(rng, a), y = gammaSample(rng, b);
  return x / (x + y);
}
