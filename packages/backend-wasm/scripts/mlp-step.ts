// Times one Adam train step of an MLP 64-256-256-10 at batch 256 on the wasm backend (single thread),
// then, with --profile, the time spent per lowered op. Run: npx tsx packages/backend-wasm/scripts/mlp-step.ts [--profile]
import { Philox, Tensor, adam, crossEntropy, mlp, mlpParams, scalar, trace, trainStep } from '@repkit/core';
import { LOWERING, WasmBackend, type Lowering } from '../src/index.ts';

const WARMUP = 20, RUNS = 200, BATCH = 256;
const profile = process.argv.includes('--profile');

const opTime = new Map<string, { ms: number; calls: number }>();
if (profile) {
  // Wrap every lowering with a wall-clock timer: wasm kernels run synchronously, so this is their cost.
  const table = LOWERING as Record<string, Lowering>;
  for (const [op, lower] of Object.entries(table)) {
    table[op] = (x, args) => {
      const t0 = performance.now();
      const out = lower(x, args);
      const e = opTime.get(op) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t0;
      e.calls++;
      opTime.set(op, e);
      return out;
    };
  }
}

const loss = trace('mlp', (b) => {
  const p = mlpParams(b, [64, 256, 256, 10]);
  return { loss: crossEntropy(mlp(b.data('x', 'float32', ['batch', 64]), p), b.data('y', 'int32', ['batch'])) };
});
const step = trainStep(loss, { optimizer: adam() });
const rng = new Philox(1);
const uniform = (shape: readonly number[], s: number): Tensor =>
  new Tensor('float32', shape, Float32Array.from(rng.uniforms(shape.reduce((p, q) => p * q, 1), -s, s)));
const feeds: Record<string, Tensor> = { x: uniform([BATCH, 64], 1), y: new Tensor('int32', [BATCH], rng.integers(BATCH, 0, 10)) };
for (const p of step.params) {
  feeds[p] = uniform(step.graph.input(p).value.shape as number[], 0.1);
  for (const s of step.optimizer.slots) feeds[step.stateName(p, s)] = new Tensor('float32', feeds[p]!.shape);
}

const backend = await WasmBackend.create();
const exe = await backend.compile(step.graph);
const times: number[] = [];
for (let r = 0; r < WARMUP + RUNS; r++) {
  for (const [h, v] of Object.entries(step.optimizer.hyperAt(r + 1))) feeds[step.hyperName(h)] = scalar(v);
  if (r === WARMUP) opTime.clear();
  const t0 = performance.now();
  const out = exe.runSync(feeds);
  if (r >= WARMUP) times.push(performance.now() - t0);
  for (const p of step.params) {
    feeds[p] = out[step.nextName(p)]!;
    for (const s of step.optimizer.slots) feeds[step.stateName(p, s)] = out[step.nextName(step.stateName(p, s))]!;
  }
}
exe.dispose();
times.sort((a, b) => a - b);
const q = (f: number): string => times[Math.floor(f * (times.length - 1))]!.toFixed(2);
console.log(backend.describe());
console.log(`MLP 64-256-256-10, batch ${BATCH}, Adam step (${step.graph.nodes.length} nodes): median ${q(0.5)} ms (p10 ${q(0.1)}, p90 ${q(0.9)}) over ${RUNS} runs`);
if (profile) {
  const total = [...opTime.values()].reduce((s, e) => s + e.ms, 0);
  for (const [op, e] of [...opTime].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`  ${op.padEnd(12)} ${(e.ms / RUNS).toFixed(3).padStart(7)} ms/step  ${((100 * e.ms) / total).toFixed(1).padStart(5)}%  ${e.calls / RUNS} calls/step`);
  }
}
