// Test helpers shared by the VJP tests: a float64 input, and autodiff against finite differences.
import { expect } from 'vitest';
import type { GraphBuilder, Value } from '../ir/graph.ts';
import type { Tensor } from '../tensor.ts';
import { gradCheck } from './gradcheck.ts';

/** The bound: relative error of every VJP against central finite differences. */
export const VJP_TOL = 1e-6;

export const f64 = (b: GraphBuilder, name: string, t: Tensor): Value => b.data(name, 'float64', t.shape);

/** Autodiff of Σ f·w matches central finite differences for every input in `wrt`. */
export function check(build: (b: GraphBuilder) => Value, feeds: Record<string, Tensor>, wrt = Object.keys(feeds)): void {
  const { relErr } = gradCheck(build, feeds, wrt);
  for (const [name, e] of Object.entries(relErr)) expect(e, `d/d${name}`).toBeLessThanOrEqual(VJP_TOL);
}
