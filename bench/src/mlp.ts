// `npm run bench -- mlp`: one train step of MLP 64-256-256-10 (batch 256, Adam), single-threaded,
// on onnxruntime-cpu, wasm and PyTorch 1.13 CPU, medians of interleaved runs, printed as ratios.
import { fileURLToPath } from 'node:url';
import {
  GraphBuilder, Philox, Tensor, Trainer, adam, add, crossEntropy, getBackend, mlp, mlpInit, mlpParams, trainStep,
} from '@repkit/core';
import '@repkit/backend-onnxruntime';
import { withGemm } from '@repkit/backend-wasm';
import { gemmLabel } from './gemm-ab.ts';
import { PythonPeer, pythonMissing } from './python.ts';
import { interleave, median, type Engine } from './stats.ts';

const SIZES = [64, 256, 256, 10];
const BATCH = 256;

function lossGraph() {
  const b = new GraphBuilder('mlp_bench');
  const x = b.data('x', 'float32', ['batch', SIZES[0]!]);
  const y = b.data('y', 'int32', ['batch']);
  return b.build({ loss: crossEntropy(mlp(x, mlpParams(b, SIZES)), y) });
}

async function repkitEngine(backendName: string, gemm = true): Promise<Engine> {
  const backend = await getBackend(backendName);
  const rng = new Philox(0);
  const trainer = await withGemm(gemm, () => Trainer.create(trainStep(lossGraph(), { optimizer: adam(), fuse: true }), backend, mlpInit(rng, SIZES)));
  const batch = {
    x: new Tensor('float32', [BATCH, SIZES[0]!], Float32Array.from(rng.uniforms(BATCH * SIZES[0]!))),
    y: new Tensor('int32', [BATCH], rng.integers(BATCH, 0, SIZES.at(-1)!)),
  };
  const steps = (n: number) => withGemm(gemm, async () => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await trainer.run(batch);
    return (performance.now() - t0) / n;
  });
  await steps(5);
  return { name: `${backendName}${gemm ? '' : '-tfjs-matmul'}`, label: gemmLabel(backend.describe(), gemm), time: steps };
}

/** Per-run cost of the onnxruntime binding itself: a one-element add, and an identity of the step's traffic. */
async function ortOverhead(): Promise<{ tinyUs: number }> {
  const ort = await getBackend('onnxruntime');
  const b = new GraphBuilder('tiny');
  const x = b.data('x', 'float32', [1]);
  const exe = await ort.compile(b.build({ y: add(x, 1) }));
  const feeds = { x: new Tensor('float32', [1], Float32Array.of(1)) };
  for (let i = 0; i < 100; i++) await exe.run(feeds);
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 500; i++) await exe.run(feeds);
    times.push(((performance.now() - t0) / 500) * 1000);
  }
  exe.dispose();
  return { tinyUs: median(times) };
}

export async function benchMlp(): Promise<void> {
  const engines: Engine[] = [await repkitEngine('onnxruntime'), await repkitEngine('wasm'), await repkitEngine('wasm', false)];
  const missing = pythonMissing('torch');
  let peer: PythonPeer | undefined;
  if (missing) {
    console.log(`pytorch: skipped (${missing})`);
  } else {
    peer = new PythonPeer(fileURLToPath(new URL('../py/mlp_torch.py', import.meta.url)), [JSON.stringify({ sizes: SIZES, batch: BATCH })]);
    const hello = await peer.next<{ engine: string; threads: number }>();
    engines.push({
      name: 'pytorch',
      label: `${hello.engine} CPU, ${hello.threads} thread, float32`,
      time: async (n) => (await peer!.ask<{ ms: number }>(`run ${n}`)).ms,
    });
  }
  const runs = await interleave(engines, 9, 20);
  peer?.close();
  const ms = new Map([...runs].map(([k, v]) => [k, median(v)]));
  console.log(`bench mlp: train step, MLP ${SIZES.join('-')}, batch ${BATCH}, Adam; median of 9 interleaved rounds × 20 steps; single-threaded`);
  for (const e of engines) {
    const m = ms.get(e.name)!;
    const ratios = [
      ms.has('pytorch') ? `${(m / ms.get('pytorch')!).toFixed(2)}× pytorch` : '',
      e.name.startsWith('wasm') ? `${(m / ms.get('onnxruntime')!).toFixed(2)}× onnxruntime-cpu` : '',
    ].filter(Boolean).join(', ');
    console.log(`  ${e.label.padEnd(88)} ${m.toFixed(3)} ms/step  ${ratios}`);
  }
  const { tinyUs } = await ortOverhead();
  console.log(`  onnxruntime binding overhead: ${tinyUs.toFixed(1)} µs per run (one-element Add, cpu EP, float32)`);
  const ort = ms.get('onnxruntime')!, wasm = ms.get('wasm')!;
  if (ms.has('pytorch')) console.log(`  target onnxruntime-cpu ≤ 1.0× pytorch: ${ort <= ms.get('pytorch')! ? 'met' : 'NOT met'} (${(ort / ms.get('pytorch')!).toFixed(2)}×)`);
  console.log(`  target wasm ≤ 3× onnxruntime-cpu: ${wasm <= 3 * ort ? 'met' : 'NOT met'} (${(wasm / ort).toFixed(2)}×)`);
  console.log(`  wasm, repkit gemm vs tfjs BatchMatMul: ${(wasm / ms.get('wasm-tfjs-matmul')!).toFixed(2)}× the time`);
}
