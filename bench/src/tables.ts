// `npm run bench -- tables`: a TransE-shaped row-sparse step (d = 100, batch 1024, 1 negative,
// Adam) at 100k and 1M entities, single-threaded: lazy cost should follow the batch, not the table;
// and dense (every row's moments decay) against lazy at 1M.
import {
  GraphBuilder, Philox, SparseTrainer, Tensor, abs, adam, add, gather, getBackend, mean, relu, sub, sum, unitNorm,
  type Graph, type TableSemantics,
} from '@repkit/core';
import '@repkit/backend-onnxruntime';
import { interleave, median, type Engine } from './stats.ts';

const D = 100, B = 1024, RELATIONS = 1000, MARGIN = 1;

function transeLoss(entities: number): Graph {
  const b = new GraphBuilder('transe_step');
  const E = b.param('E', 'float32', [entities, D]), R = b.param('R', 'float32', [RELATIONS, D]);
  const ids = (n: string) => b.data(n, 'int32', [B]);
  const r = gather(R, ids('r'));
  const score = (h: ReturnType<typeof ids>, t: ReturnType<typeof ids>) => sum(abs(sub(add(gather(E, h), r), gather(E, t))), -1);
  // margin ranking on L1 distances: relu(γ + d(pos) − d(neg))
  return b.build({ loss: mean(relu(add(sub(score(ids('h'), ids('t')), score(ids('hn'), ids('tn'))), MARGIN))) });
}

async function engine(entities: number, semantics: TableSemantics): Promise<Engine & { close(): void }> {
  const backend = await getBackend('onnxruntime');
  const rng = new Philox(0);
  const init = {
    E: new Tensor('float32', [entities, D], Float32Array.from(rng.uniforms(entities * D, -0.1, 0.1))),
    R: new Tensor('float32', [RELATIONS, D], Float32Array.from(rng.uniforms(RELATIONS * D, -0.1, 0.1))),
  };
  const trainer = await SparseTrainer.create(transeLoss(entities), backend, init, {
    optimizer: adam({ lr: 1e-3 }), tables: { E: semantics, R: semantics }, constraints: { E: unitNorm() },
  });
  const sample = new Philox(1);
  const batch = () => {
    const f = (hi: number) => new Tensor('int32', [B], sample.integers(B, 0, hi));
    return { h: f(entities), r: f(RELATIONS), t: f(entities), hn: f(entities), tn: f(entities) };
  };
  await trainer.run(batch());
  const name = `${semantics}@${entities / 1000}k`;
  return {
    name,
    label: `${name.padEnd(11)} ${backend.describe()}`,
    async time(n) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await trainer.run(batch()); // sampling included
      return (performance.now() - t0) / n;
    },
    close: () => trainer.dispose(),
  };
}

export async function benchTables(): Promise<void> {
  console.log(`bench tables: TransE step, d = ${D}, batch ${B}, 1 negative, Adam, entities unit-normalised; sampling included; single-threaded`);
  const lazy = [await engine(100_000, 'lazy'), await engine(1_000_000, 'lazy')];
  const lazyRuns = await interleave(lazy, 9, 20);
  const m = new Map([...lazyRuns].map(([k, v]) => [k, median(v)]));
  for (const e of lazy) console.log(`  ${e.label}  ${m.get(e.name)!.toFixed(3)} ms/step  ${(B / m.get(e.name)! * 1000).toFixed(0)} triples/s`);
  const ratio = m.get('lazy@1000k')! / m.get('lazy@100k')!;
  console.log(`  lazy 1M / 100k: ${ratio.toFixed(2)}× (target ≤ 1.5×: ${ratio <= 1.5 ? 'met' : 'NOT met'})`);
  lazy[0]!.close();
  const dense = await engine(1_000_000, 'dense');
  const both = await interleave([lazy[1]!, dense], 3, 2);
  const dl = median(both.get('dense@1000k')!), ll = median(both.get('lazy@1000k')!);
  console.log(`  ${dense.label}  ${dl.toFixed(1)} ms/step; dense / lazy at 1M entities: ${(dl / ll).toFixed(0)}×`);
  lazy[1]!.close();
  dense.close();
}
