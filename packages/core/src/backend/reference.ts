// The reference backend: a float64 interpreter of any graph, built from the ops' reference kernels.
// Float outputs come back as float64 whatever the graph declares: it is the oracle.
import type { Graph, Value } from '../ir/graph.ts';
import { resolveShape } from '../ir/types.ts';
import { getOp } from '../ops/registry.ts';
import { refDType } from '../ops/kernels.ts';
import { Tensor } from '../tensor.ts';
import { bindFeeds, registerBackend, type Backend, type Executable, type Feeds, type Results } from './backend.ts';

function toRef(t: Tensor): Tensor {
  return t.dtype === refDType(t.dtype) ? t : t.cast(refDType(t.dtype));
}

/** Run a graph synchronously in float64. */
export function interpret(graph: Graph, feeds: Feeds): Results {
  const dims = bindFeeds(graph, feeds);
  const env = new Map<Value, Tensor>();
  for (const i of graph.inputs) env.set(i.value, toRef(i.kind === 'const' ? i.tensor! : feeds[i.name]!));
  for (const n of graph.nodes) {
    const def = getOp(n.op);
    const outShapes = n.outputs.map((o) => resolveShape(o.shape, dims));
    const outs = def.compute(n.inputs.map((v) => env.get(v)!), n.attrs, outShapes);
    n.outputs.forEach((o, k) => env.set(o, outs[k]!));
  }
  const results: Results = {};
  for (const o of graph.outputs) results[o.name] = env.get(o.value)!;
  return results;
}

export class ReferenceBackend implements Backend {
  readonly name = 'reference';

  describe(): string {
    return 'reference (TypeScript interpreter), float64';
  }

  async compile(graph: Graph): Promise<Executable> {
    return { run: async (feeds) => interpret(graph, feeds), dispose: () => {} };
  }
}

registerBackend({ name: 'reference', create: async () => new ReferenceBackend() });
