// `npm run bench -- semi`: one FixMatch train step (MLP 64-256-256-10, B = 50, μ = 7: 400 rows with
// gradients and 350 weak rows forward only, Adam with coupled weight decay) on onnxruntime-cpu, wasm and PyTorch 1.13 CPU on the same
// batch, single-threaded, medians of interleaved runs, printed as ratios. A last line adds the host side
// of a real step (batch draw and the weak/strong augmentation kernels) to the onnxruntime step.
import { fileURLToPath } from 'node:url';
import { Philox, Tensor, Trainer, adam, getBackend, mlpInit, trainStep, type Feeds } from '@repkit/core';
import '@repkit/backend-onnxruntime';
import { withGemm } from '@repkit/backend-wasm';
import { gemmLabel } from './gemm-ab.ts';
import { kernels } from '@repkit/kernels';
import { takeRows } from '@repkit/data';
import { semi } from '@repkit/methods';
import { PythonPeer, pythonMissing } from './python.ts';
import { interleave, median, type Engine } from './stats.ts';

const SIZES = [64, 256, 256, 10];
const B = 50, MU = 7, TAU = 0.95;

function batch(rng: Philox): Feeds {
  const rows = (n: number) => new Tensor('float32', [n, SIZES[0]!], Float32Array.from(rng.uniforms(n * SIZES[0]!)));
  return { xl: rows(B), uw: rows(MU * B), us: rows(MU * B), y: new Tensor('int32', [B], rng.integers(B, 0, 10)) };
}

async function repkitEngine(backendName: string, withHost = false, gemm = true): Promise<Engine> {
  const backend = await getBackend(backendName);
  const fm = new semi.FixMatch({ batchSize: B, mu: MU, threshold: TAU });
  const step = trainStep(fm.lossGraph(SIZES[0]!, SIZES.at(-1)!), { optimizer: adam({ lr: 1e-3, weightDecay: 5e-4 }), fuse: true });
  const rng = new Philox(0);
  const trainer = await withGemm(gemm, () => Trainer.create(step, backend, mlpInit(rng.fork(1), SIZES)));
  const fixed = batch(rng.fork(2));
  // The host side of a recipe step: draw rows, then weak views of B + μB images and strong views of μB.
  const task = semi.digitsProtocol(50), draws = rng.fork(3), K = kernels();
  const pool = Int32Array.from({ length: 1000 }, (_, i) => i);
  const hostBatch = (): Feeds => {
    const il = semi.drawRows(draws, pool, B), iu = semi.drawRows(draws, pool, MU * B);
    const view = (idx: Int32Array, strong: boolean) => {
      const imgs = takeRows(task.X, idx).data as Float32Array;
      return new Tensor('float32', [idx.length, 64], strong ? K.strongAugment(imgs, idx.length, 8, 8, draws) : K.shiftImages(imgs, idx.length, 8, 8, draws));
    };
    return { xl: view(il, false), uw: view(iu, false), us: view(iu, true), y: fixed.y! };
  };
  const steps = (n: number) => withGemm(gemm, async () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await trainer.run(withHost ? hostBatch() : fixed);
    return (performance.now() - t0) / n;
  });
  await steps(5);
  const label = gemmLabel(backend.describe(), gemm);
  return {
    name: `${backendName}${withHost ? '+host' : ''}${gemm ? '' : '-tfjs-matmul'}`,
    label: withHost ? `${label} + host batch & augmentation (kernels: ${K.engine.name})` : label,
    time: steps,
  };
}

export async function benchSemi(): Promise<void> {
  const engines: Engine[] = [
    await repkitEngine('onnxruntime'), await repkitEngine('wasm'), await repkitEngine('wasm', false, false), await repkitEngine('onnxruntime', true),
  ];
  const missing = pythonMissing('torch');
  let peer: PythonPeer | undefined;
  if (missing) {
    console.log(`pytorch: skipped (${missing})`);
  } else {
    peer = new PythonPeer(fileURLToPath(new URL('../py/fixmatch_torch.py', import.meta.url)), [JSON.stringify({ sizes: SIZES, batch: B, mu: MU, threshold: TAU })]);
    const hello = await peer.next<{ engine: string; threads: number }>();
    for (const mode of ['concat', 'split']) {
      const how = mode === 'concat' ? 'one forward of all rows' : 'weak rows under no_grad';
      engines.push({ name: `pytorch-${mode}`, label: `${hello.engine} CPU, ${hello.threads} thread, float32, ${how}`, time: async (n) => (await peer!.ask<{ ms: number }>(`run ${mode} ${n}`)).ms });
    }
  }
  const runs = await interleave(engines, 9, 10);
  peer?.close();
  const ms = new Map([...runs].map(([k, v]) => [k, median(v)]));
  console.log(`bench semi: FixMatch train step, MLP ${SIZES.join('-')}, B = ${B}, μ = ${MU} (${B + MU * B} rows with gradients + ${MU * B} weak rows forward only), Adam; median of 9 interleaved rounds × 10 steps; single-threaded`);
  const split = ms.get('pytorch-split'), concat = ms.get('pytorch-concat');
  const vs = (m: number, t: number | undefined) => (t ? `${(m / t).toFixed(2)}×` : '—');
  console.log(`  ${''.padEnd(86)} dtype    time          vs pytorch split · vs pytorch concat`);
  for (const e of engines) {
    const m = ms.get(e.name)!;
    console.log(`  ${e.label.padEnd(86)} float32  ${m.toFixed(3).padStart(7)} ms/step  ${vs(m, split).padStart(6)} · ${vs(m, concat)}`);
  }
  // The targets are judged against PyTorch's faster form (weak rows under no_grad), as repkit runs it.
  if (split && concat) {
    const ort = ms.get('onnxruntime')!, wasm = ms.get('wasm')!;
    console.log(`  target onnxruntime-cpu ≤ 1.0× pytorch split: ${ort <= split ? 'met' : 'NOT met'} (${vs(ort, split)}; ${vs(ort, concat)} the reference's one-forward form)`);
    console.log(`  target wasm ≤ 3× pytorch split: ${wasm <= 3 * split ? 'met' : 'NOT met'} (${vs(wasm, split)}; ${vs(wasm, concat)} the reference's one-forward form)`);
    const xnn = ms.get('wasm-tfjs-matmul');
    if (xnn) console.log(`  wasm, repkit gemm vs tfjs BatchMatMul: ${(wasm / xnn).toFixed(2)}× the time`);
  }
}
