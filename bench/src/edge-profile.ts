// Where a query's time goes on repkit's wasm backend in Node: each lowering call (tfjs dispatch plus
// kernel) summed by op type, the rest of a run (feeds upload, outputs download, bookkeeping), the host
// post-processing; and the fixed cost of one run of a one-op graph on both engines. All fastest-of-N.
import { GraphBuilder, Tensor, add, type Executable, type Feeds, type Graph } from '@repkit/core';
import { FUSED, LOWERING, type Lowering, type WasmBackend, type WasmExecutable } from '@repkit/backend-wasm';
import { exportOnnx, importOnnx } from '@repkit/onnx';
import { ortPeer, type OrtWeb } from '../../apps/edge/src/peer-ort.ts';

const tables = [LOWERING as Record<string, Lowering>, FUSED];

/** Compile `graph` with every lowering call timed: `spent[k]` gets the ms of the k-th call since `spent.length = 0`. */
async function compileTimed(backend: WasmBackend, graph: Graph, spent: number[]): Promise<WasmExecutable> {
  const saved = tables.map((t) => ({ ...t }));
  tables.forEach((table, i) => {
    for (const [op, f] of Object.entries(saved[i]!)) {
      table[op] = (x, a) => {
        const t0 = performance.now();
        try {
          return f(x, a);
        } finally {
          spent.push(performance.now() - t0);
        }
      };
    }
  });
  try {
    return await backend.compile(graph); // each step binds its lowering here, so the wrappers stay with this executable only
  } finally {
    tables.forEach((table, i) => Object.assign(table, saved[i]));
  }
}

/** Fastest µs per call of `f` over 15 blocks of `n` calls: other processes on a shared machine only add time. */
async function usPer(n: number, f: () => unknown): Promise<number> {
  let best = Infinity;
  for (let b = 0; b < 15; b++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await f();
    best = Math.min(best, (performance.now() - t0) / n);
  }
  return best * 1000;
}

/**
 * One line: the fastest of `runs` runs, its nodes' fastest times summed by op type (×nodes), the rest of
 * the run (feeds upload, outputs download, bookkeeping), and the host post-processing. Fastest, not
 * median: this is where time goes, so time other processes took is left out.
 */
export async function profileQuery(backend: WasmBackend, name: string, bytes: Uint8Array, feeds: () => Feeds, post: (out: Record<string, Tensor>) => unknown, outputs?: readonly string[], runs = 500): Promise<string> {
  const graph = importOnnx(bytes);
  const spent: number[] = [];
  const exe = await compileTimed(backend, graph, spent);
  // The tfjs call sites of a run (nodes the outputs need; fused chains as one, named op+op).
  const steps = exe.describe(outputs);
  const node = steps.map(() => Infinity);
  let run = Infinity;
  for (let i = 0; i < runs + 50; i++) {
    spent.length = 0;
    const t0 = performance.now();
    await exe.run(feeds(), { outputs });
    const ms = performance.now() - t0;
    if (i < 50) continue; // warm-up
    run = Math.min(run, ms);
    spent.forEach((t, k) => (node[k] = Math.min(node[k]!, t)));
  }
  const out = await exe.run(feeds(), { outputs });
  const postUs = await usPer(200, () => post(out));
  exe.dispose();
  const byOp = new Map<string, { us: number; n: number }>();
  steps.forEach((op, k) => {
    const e = byOp.get(op) ?? { us: 0, n: 0 };
    byOp.set(op, { us: e.us + node[k]! * 1000, n: e.n + 1 });
  });
  const ops = [...byOp].sort((a, b) => b[1].us - a[1].us);
  const opsUs = ops.reduce((s, [, e]) => s + e.us, 0);
  const parts = ops.map(([op, e]) => `${op} ${e.us.toFixed(1)} ×${e.n}`).join(', ');
  const of = outputs ? ` (output${outputs.length > 1 ? 's' : ''} ${outputs.join(', ')} of ${graph.outputs.length})` : '';
  return `${name}${of}: run ${(run * 1000).toFixed(1)} = ${steps.length} calls for ${graph.nodes.length} nodes ${opsUs.toFixed(1)} (${parts}) + upload/download/bookkeeping ${(run * 1000 - opsUs).toFixed(1)}; host post-processing ${postUs.toFixed(1)}`;
}

/** µs of one run of y = x + 1 (float32 [1]) on each engine: what a run costs before any real work. */
export async function fixedCost(backend: WasmBackend, ort: OrtWeb): Promise<{ wasm: number; ortWeb: number }> {
  const b = new GraphBuilder('tiny');
  const x = b.data('x', 'float32', [1]);
  const graph = b.build({ y: add(x, 1) });
  const exe = await backend.compile(graph);
  const peer = await ortPeer(ort, undefined, exportOnnx(graph));
  const feed = Float32Array.of(1);
  for (let i = 0; i < 200; i++) { await exe.run({ x: new Tensor('float32', [1], feed) }); await peer.run({ x: { data: feed, dims: [1] } }, ['y']); }
  const wasm = await usPer(500, () => exe.run({ x: new Tensor('float32', [1], feed) }));
  const ortWeb = await usPer(500, () => peer.run({ x: { data: feed, dims: [1] } }, ['y']));
  exe.dispose();
  await peer.release();
  return { wasm, ortWeb };
}
