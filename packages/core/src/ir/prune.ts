// Dead-code elimination: keep the nodes the outputs need, every fed input, and the constants in use.
import { Graph, type Value } from './graph.ts';

export function prune(g: Graph): Graph {
  const live = new Set<Value>(g.outputs.map((o) => o.value));
  const nodes = [];
  for (let k = g.nodes.length - 1; k >= 0; k--) {
    const n = g.nodes[k]!;
    if (n.outputs.some((o) => live.has(o))) {
      nodes.push(n);
      for (const v of n.inputs) live.add(v);
    }
  }
  nodes.reverse();
  const inputs = g.inputs.filter((i) => i.kind !== 'const' || live.has(i.value));
  return new Graph(g.name, inputs, nodes, g.outputs);
}
