// Reverse-mode autodiff as a graph transformation: replay the forward graph, then walk its nodes
// backwards applying each op's VJP (itself written with ops), summing cotangents of shared values.
import { GraphBuilder, type Graph, type Value } from '../ir/graph.ts';
import { prune } from '../ir/prune.ts';
import { formatType } from '../ir/types.ts';
import { isFloat } from '../tensor.ts';
import { getOp } from '../ops/registry.ts';
import { add, expand, reshape, scatterAdd } from '../ops/api.ts';
import { concat } from '../ops/api-shape.ts';

export interface GradOptions {
  /** Name of the scalar output to differentiate. */
  loss: string;
  /** Names of the inputs to differentiate with respect to (default: every parameter). */
  wrt?: readonly string[];
}

/** The forward graph with, added, an output `grad:<name>` for each input in `wrt`. */
export function grad(g: Graph, { loss, wrt }: GradOptions): Graph {
  const names = wrt ?? g.inputs.filter((i) => i.kind === 'param').map((i) => i.name);
  const lossOut = g.output(loss).value;
  if (lossOut.shape.length !== 0 || !isFloat(lossOut.dtype)) {
    throw new Error(`grad: loss '${loss}' must be a float scalar, got ${formatType(lossOut)}; reduce it with sum or mean`);
  }
  for (const n of names) {
    if (!isFloat(g.input(n).value.dtype)) throw new Error(`grad: input '${n}' is not a float tensor`);
  }

  const b = new GraphBuilder(g.name);
  const map = b.adopt(g);
  const at = (v: Value): Value => map.get(v)!;

  // Values through which a wrt input reaches the loss: only those get cotangents.
  const needs = new Set<Value>(names.map((n) => g.input(n).value));
  for (const n of g.nodes) if (n.inputs.some((v) => needs.has(v))) n.outputs.forEach((o) => needs.add(o));

  const ct = new Map<Value, Value>([[lossOut, b.literal(1, lossOut.dtype)]]);
  // Cotangents that are sums of row scatters (gather's VJP), by their parts: a table gathered k times
  // gets one scatter of the k concatenated parts, not k scatters into zeros and k − 1 full-size adds.
  const scatters = new Map<Value, { size: number; parts: [Value, Value][] }>();
  const accumulate = (prev: Value | undefined, gi: Value): Value => {
    if (!prev) return gi;
    const p = scatters.get(prev), q = scatters.get(gi);
    // Only same-typed scatters with static parts concatenate (concat needs a static axis 0).
    const sameType = prev.dtype === gi.dtype && prev.shape.length === gi.shape.length && prev.shape.every((d, i) => d === gi.shape[i]);
    const static_ = (v: Value): boolean => v.shape.every((d) => typeof d === 'number');
    if (!p || !q || !sameType || ![...p.parts, ...q.parts].every(([i, u]) => static_(i) && static_(u))) return add(prev, gi);
    const parts = [...p.parts, ...q.parts];
    const rest = gi.shape.slice(1);
    const flat = parts.map(([idx, upd]) => [reshape(idx, [-1]), reshape(upd, [-1, ...rest])] as const);
    const sum = scatterAdd(concat(flat.map(([i]) => i), 0), concat(flat.map(([, u]) => u), 0), p.size);
    scatters.set(sum, { size: p.size, parts });
    return sum;
  };
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k]!;
    if (!n.outputs.some((o) => ct.has(o)) || !n.inputs.some((v) => needs.has(v))) continue;
    const def = getOp(n.op);
    if (!def.vjp) continue; // discrete outputs carry no gradient
    const cts = n.outputs.map((o) => ct.get(o) ?? expand(b.literal(0, o.dtype), o.shape));
    const before = b.nodes.length;
    const gin = def.vjp({ b, inputs: n.inputs.map(at), outputs: n.outputs.map(at), attrs: n.attrs }, cts);
    for (const m of b.nodes.slice(before)) {
      if (m.op === 'scatterAdd') scatters.set(m.outputs[0]!, { size: m.attrs.size as number, parts: [[m.inputs[0]!, m.inputs[1]!]] });
    }
    n.inputs.forEach((v, i) => {
      const gi = gin[i];
      if (gi && needs.has(v)) ct.set(v, accumulate(ct.get(v), gi));
    });
  }

  const outputs: Record<string, Value> = {};
  for (const o of g.outputs) outputs[o.name] = at(o.value);
  for (const n of names) {
    const v = g.input(n).value;
    outputs[`grad:${n}`] = ct.get(v) ?? expand(b.literal(0, v.dtype), v.shape);
  }
  return prune(b.build(outputs));
}
