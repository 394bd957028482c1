// The graphs a case is checked through: forward, gradient of Σ out·w, and the train step.
import {
  GraphBuilder, Philox, Tensor, add, grad, isFloat, mul, sum, trace, trainStep,
  type Graph, type TrainStep, type Value,
} from '@repkit/core';
import type { Case } from './case.ts';

export function forwardGraph(c: Case): Graph {
  return trace(c.name, (b) => c.build(b));
}

/** Σ over float outputs of sum(out · w_out), differentiated w.r.t. `c.grad`; w's drawn from `rng`. */
export function gradientGraph(c: Case, forward: Graph, feeds: Record<string, Tensor>, rng: Philox): { graph: Graph; feeds: Record<string, Tensor> } {
  const b = new GraphBuilder(`${c.name}.grad`);
  const map = b.adopt(forward);
  const extra: Record<string, Tensor> = {};
  let loss: Value | undefined;
  for (const o of forward.outputs) {
    if (!isFloat(o.value.dtype)) continue;
    const v = map.get(o.value)!;
    const shape = resolve(v.shape, forward, feeds);
    const w = b.data(`w.${o.name}`, v.dtype, v.shape);
    extra[`w.${o.name}`] = new Tensor('float32', shape, Float32Array.from(rng.uniforms(shape.reduce((p, q) => p * q, 1), -1, 1)));
    const term = sum(mul(v, w));
    loss = loss ? add(loss, term) : term;
  }
  if (!loss) throw new Error(`case '${c.name}' lists grad inputs but has no float output`);
  const g = grad(b.build({ loss }), { loss: 'loss', wrt: c.grad! });
  return { graph: g, feeds: { ...feeds, ...extra } };
}

export function trainGraph(c: Case, forward: Graph): TrainStep {
  const t = c.train!;
  return trainStep(forward, { optimizer: t.optimizer(), constraints: t.constraints, fuse: t.fuse, params: t.params, carry: t.carry });
}

function resolve(shape: readonly (number | string)[], g: Graph, feeds: Record<string, Tensor>): number[] {
  const dims = new Map<string, number>();
  for (const i of g.feeds) i.value.shape.forEach((d, k) => typeof d === 'string' && dims.set(d, feeds[i.name]!.shape[k]!));
  return shape.map((d) => (typeof d === 'number' ? d : dims.get(d)!));
}
