// Reverse-mode autodiff as a graph transformation: replay the forward graph, then walk its nodes
// backwards applying each op's VJP (itself written with ops), summing cotangents of shared values.
import { GraphBuilder, type Graph, type Value } from '../ir/graph.ts';
import { prune } from '../ir/prune.ts';
import { formatType } from '../ir/types.ts';
import { isFloat } from '../tensor.ts';
import { getOp } from '../ops/registry.ts';
import { add, expand } from '../ops/api.ts';

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
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k]!;
    if (!n.outputs.some((o) => ct.has(o)) || !n.inputs.some((v) => needs.has(v))) continue;
    const def = getOp(n.op);
    if (!def.vjp) continue; // discrete outputs carry no gradient
    const cts = n.outputs.map((o) => ct.get(o) ?? expand(b.literal(0, o.dtype), o.shape));
    const gin = def.vjp({ b, inputs: n.inputs.map(at), outputs: n.outputs.map(at), attrs: n.attrs }, cts);
    n.inputs.forEach((v, i) => {
      const gi = gin[i];
      if (!gi || !needs.has(v)) return;
      const prev = ct.get(v);
      ct.set(v, prev ? add(prev, gi) : gi);
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
