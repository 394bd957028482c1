// `npm run bench -- kge-speed`: TransE training throughput (d = 100, batch 1024, 1 negative, lazy Adam,
// sampling included) on a synthetic 100k-entity graph: onnxruntime-cpu and wasm against PyTorch 1.13
// (sparse embeddings + SparseAdam, and dense Adam) in the same script; 1M entities for the table-size
// ratio; and filtered L1 evaluation of 10k test triples over 100k entities.
// KGE_SPEED_PARTS=eval runs only some parts (train: throughput vs PyTorch; size: 1M / 100k entities;
// eval: the filtered evaluation, on the model after 3 steps; default all).
import { fileURLToPath } from 'node:url';
import { Philox, SparseTrainer, Tensor, adam, getBackend } from '@repkit/core';
import '@repkit/backend-onnxruntime';
import '@repkit/backend-wasm';
import { kernels } from '@repkit/kernels';
import { kge } from '@repkit/methods';
import { PythonPeer, pythonMissing } from './python.ts';
import { interleave, median, type Engine } from './stats.ts';

const D = 100, B = 1024, RELATIONS = 1000, TRIPLES = 1_000_000;
const env = (k: string, v: number): number => Number(process.env[k] ?? v);

function synthetic(entities: number, count: number, seed: number): Int32Array {
  const rng = new Philox(seed), ids = new Int32Array(3 * count);
  for (let i = 0; i < count; i++) {
    ids[3 * i] = rng.integer(0, entities);
    ids[3 * i + 1] = rng.integer(0, RELATIONS);
    ids[3 * i + 2] = rng.integer(0, entities);
  }
  return ids;
}

async function ours(backendName: string, entities: number, update: 'host' | 'graph' = 'host'): Promise<Engine & { params(): Record<string, Tensor>; close(): void }> {
  const model = kge.TransE({ dim: D });
  const sizes = { entities, relations: RELATIONS };
  const rng = new Philox(0);
  const backend = await getBackend(backendName);
  const trainer = await SparseTrainer.create(kge.lossGraph(model, sizes, B, 1, 'margin'), backend, model.init(rng, sizes), {
    optimizer: adam({ lr: 1e-3 }), tables: { E: 'lazy', R: 'lazy' }, constraints: model.constraints, rows: kernels(), update,
  });
  const triples = { ids: synthetic(entities, TRIPLES, 1), count: TRIPLES };
  const sampler = kge.negativeSampler('basic', triples, entities, RELATIONS);
  const draws = new Philox(2);
  const pos = new Int32Array(3 * B), neg = new Int32Array(3 * B), mask = new Tensor('float32', [B], new Float32Array(B).fill(1));
  const col = (a: Int32Array, c: number) => new Tensor('int32', [B], Int32Array.from({ length: B }, (_, i) => a[3 * i + c]!));
  const step = async () => {
    for (let i = 0; i < B; i++) {
      const j = draws.integer(0, TRIPLES);
      pos.set(triples.ids.subarray(3 * j, 3 * j + 3), 3 * i);
    }
    sampler.corrupt(pos, B, neg, draws);
    await trainer.run({ h: col(pos, 0), r: col(pos, 1), t: col(pos, 2), hn: col(neg, 0), tn: col(neg, 2), mask });
  };
  for (let i = 0; i < 3; i++) await step();
  const name = `${backendName}@${entities / 1000}k${update === 'graph' ? '/graph' : ''}`;
  return {
    name, label: `repkit ${backend.describe()}, lazy Adam${update === 'graph' ? ' in the step graph' : ''}, ${entities / 1000}k entities`,
    async time(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await step();
      return (performance.now() - t0) / n;
    },
    params: () => ({ E: trainer.table('E').tensor(), R: trainer.table('R').tensor() }),
    close: () => trainer.dispose(),
  };
}

const PARTS = ['train', 'size', 'eval'];

export async function benchKgeSpeed(): Promise<void> {
  const rounds = env('KGE_ROUNDS', 7), reps = env('KGE_REPS', 10);
  const parts = (process.env.KGE_SPEED_PARTS ?? PARTS.join(',')).split(',');
  const unknown = parts.filter((p) => !PARTS.includes(p));
  if (unknown.length) throw new Error(`KGE_SPEED_PARTS: unknown part ${unknown.join(', ')}; choose from ${PARTS.join(', ')}`);
  console.log(`bench kge-speed: TransE d=${D}, batch ${B}, 1 negative, margin ranking, L1; synthetic graph ${TRIPLES} triples, ${RELATIONS} relations; single-threaded; medians of ${rounds} interleaved rounds × ${reps} steps`);
  const ort = await ours('onnxruntime', 100_000);
  if (parts.includes('train')) await throughput(ort, rounds, reps);
  if (parts.includes('size')) {
    const big = await ours('onnxruntime', 1_000_000);
    const pair = new Map([...(await interleave([ort, big], 5, reps))].map(([k, v]) => [k, median(v)]));
    const ratio = pair.get('onnxruntime@1000k')! / pair.get('onnxruntime@100k')!;
    console.log(`  onnxruntime lazy Adam step, 1M / 100k entities: ${ratio.toFixed(2)}× (target ≤ 1.5×: ${ratio <= 1.5 ? 'met' : 'NOT met'})`);
    big.close();
  }
  if (parts.includes('eval')) await evaluation(ort);
  ort.close();
}

async function throughput(ort: Awaited<ReturnType<typeof ours>>, rounds: number, reps: number): Promise<void> {
  const wasm = await ours('wasm', 100_000);
  // The same step with the optimizer traced into the graph (update: 'graph'): what the host row update saves.
  const inGraph = await ours('onnxruntime', 100_000, 'graph');
  const engines: Engine[] = [ort, inGraph, wasm];
  const missing = pythonMissing('torch');
  let peer: PythonPeer | undefined;
  if (missing) console.log(`  pytorch: skipped (${missing})`);
  else {
    peer = new PythonPeer(fileURLToPath(new URL('../py/transe_torch.py', import.meta.url)),
      [JSON.stringify({ entities: 100_000, relations: RELATIONS, dim: D, batch: B, triples: TRIPLES })]);
    const hello = await peer.next<{ engine: string; threads: number }>();
    for (const mode of ['sparse', 'dense']) {
      engines.push({
        name: `pytorch-${mode}`, label: `${hello.engine} CPU ${hello.threads} thread, float32, ${mode === 'sparse' ? 'sparse embeddings + SparseAdam' : 'dense Adam'}`,
        time: async (n) => (await peer!.ask<{ ms: number }>(`run ${mode} ${n}`)).ms,
      });
    }
  }
  const ms = new Map([...(await interleave(engines, rounds, reps))].map(([k, v]) => [k, median(v)]));
  peer?.close();
  const base = ms.get('pytorch-sparse');
  for (const e of engines) {
    const m = ms.get(e.name)!;
    console.log(`  ${e.label.padEnd(104)} ${(B / m * 1000).toFixed(0).padStart(8)} triples/s${base ? `  ${(base / m).toFixed(2)}× pytorch SparseAdam throughput` : ''}`);
  }
  console.log(`  onnxruntime lazy Adam on the host vs in the step graph: ${(ms.get('onnxruntime@100k/graph')! / ms.get('onnxruntime@100k')!).toFixed(2)}× throughput`);
  if (base) console.log(`  target onnxruntime-cpu ≥ 1.0× pytorch SparseAdam: ${base / ms.get('onnxruntime@100k')! >= 1 ? 'met' : 'NOT met'}`);
  wasm.close();
  inGraph.close();
}

async function evaluation(ort: Awaited<ReturnType<typeof ours>>): Promise<void> {
  const n = env('KGE_EVAL_TRIPLES', 10_000);
  const test = { ids: synthetic(100_000, n, 7), count: n };
  const filter = { ids: synthetic(100_000, TRIPLES, 1), count: TRIPLES };
  const t0 = performance.now();
  const m = await kge.evaluateKge(kge.TransE({ dim: D }), ort.params(), test, [filter, test], RELATIONS);
  const s = (performance.now() - t0) / 1000;
  console.log(`  filtered evaluation, ${n} test triples × 100k entities, both sides, L1, onnxruntime queries + fused host kernel (${kernels().engine.detail}): ${s.toFixed(1)} s (target < 60 s: ${s < 60 ? 'met' : 'NOT met'}); MRR ${m.realistic.mrr.toFixed(4)}`);
}
