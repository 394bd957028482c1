// Tolerances, declared once by kind of output. Errors are relative, elementwise, with a floor at
// 1e-2 of the tensor's largest magnitude: outputs that cancel toward 0 carry float32 rounding of their terms, not of their value.
export type Kind = 'elementwise' | 'transcendental' | 'reduction' | 'matmul' | 'gradient' | 'train' | 'discrete';

export const TOLERANCE: Record<Kind, number> = {
  elementwise: 1e-6, // one float32 rounding of an exact op
  transcendental: 1e-5, // exp/log/sqrt: engines use approximations within a few ulp
  reduction: 1e-5, // float32 sums in a different order
  matmul: 1e-4, // float32 dot products of length ≤ 256, blocked differently per engine
  gradient: 1e-4, // a chain of the above
  train: 1e-3, // after N optimizer steps, float32 vs float64
  discrete: 0, // argmax, comparisons: exact where the reference's margin exceeds `margin`
};

/** Below this margin between the chosen and next candidate, a discrete output may differ. */
export const DISCRETE_MARGIN = 1e-4;

export const FLOOR = 1e-2;
