// Central finite differences against autodiff, on the reference backend in float64.
import { GraphBuilder, type Graph, type Value } from '../ir/graph.ts';
import { grad } from '../autodiff/grad.ts';
import { interpret } from '../backend/reference.ts';
import { Tensor } from '../tensor.ts';
import { mul, sum } from '../ops/api.ts';
import { Philox } from '../rng/philox.ts';

export interface GradCheckResult {
  /** ‖autodiff − finite differences‖∞ / ‖finite differences‖∞ for each checked input. */
  relErr: Record<string, number>;
}

/**
 * Check d/dx Σ(f(x) · w) for a fixed random weight w: `build` declares float64 inputs
 * named as in `feeds` and returns f's output.
 */
export function gradCheck(
  build: (b: GraphBuilder) => Value,
  feeds: Record<string, Tensor>,
  wrt: readonly string[],
  { h = 1e-5, seed = 7 } = {},
): GradCheckResult {
  const b = new GraphBuilder('gradcheck');
  const out = build(b);
  const w = b.data('__w', out.dtype, out.shape);
  const loss = sum(mul(out, w));
  const g: Graph = b.build({ loss, out });
  const rng = new Philox(seed);
  const wShape = shapeOf(out, feeds, g);
  const wT = new Tensor('float64', wShape, rng.uniforms(wShape.reduce((p, q) => p * q, 1), -1, 1));
  const all = { ...feeds, __w: wT };
  const analytic = interpret(grad(g, { loss: 'loss', wrt }), all);
  const relErr: Record<string, number> = {};
  for (const name of wrt) {
    const x = feeds[name]!;
    const a = analytic[`grad:${name}`]!.data;
    let num = 0, den = 0;
    for (let i = 0; i < x.size; i++) {
      const plus = new Float64Array(x.data), minus = new Float64Array(x.data);
      plus[i]! += h;
      minus[i]! -= h;
      const fp = interpret(g, { ...all, [name]: new Tensor('float64', x.shape, plus) }).loss!.item();
      const fm = interpret(g, { ...all, [name]: new Tensor('float64', x.shape, minus) }).loss!.item();
      const fd = (fp - fm) / (2 * h);
      num = Math.max(num, Math.abs(a[i]! - fd));
      den = Math.max(den, Math.abs(fd));
    }
    relErr[name] = den === 0 ? num : num / den;
  }
  return { relErr };
}

function shapeOf(out: Value, feeds: Record<string, Tensor>, g: Graph): number[] {
  if (out.shape.every((d) => typeof d === 'number')) return out.shape as number[];
  const dims = new Map<string, number>();
  for (const i of g.feeds) {
    const t = feeds[i.name];
    if (t) i.value.shape.forEach((d, k) => typeof d === 'string' && dims.set(d, t.shape[k]!));
  }
  return out.shape.map((d) => (typeof d === 'number' ? d : dims.get(d)!));
}
