// `npm run bench -- classical`: fit times of repkit's KMeans, diagonal GaussianMixture and Barnes–Hut
// t-SNE against scikit-learn 1.2 (a persistent python peer, OMP_NUM_THREADS=1) and KMeans against
// ml-kmeans, on the same rows, medians of interleaved runs, backend and dtype on every line.
// Sizes by env: BENCH_N (rows, 100000), BENCH_D (64), BENCH_K (32), BENCH_ROUNDS (5), BENCH_ML_ROUNDS (1),
// BENCH_GMM_ITER (100 EM iterations, tol 0 on both sides), BENCH_TSNE_ROUNDS (3); BENCH_TSNE=0 skips t-SNE.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, getBackend } from '@repkit/core';
import '@repkit/backend-onnxruntime';
import '@repkit/backend-wasm';
import { cluster, manifold } from '@repkit/methods';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { PythonPeer, pythonMissing } from './python.ts';
import { interleave, median, type Engine } from './stats.ts';

const env = (name: string, fallback: number): number => {
  const v = process.env[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${v}'`);
  return n;
};

/** An engine whose runs also record what the fit reached (iterations, inertia / score / KL). */
interface FitEngine extends Engine { info: Record<string, number>[] }

function fitEngine(name: string, label: string, fit: (round: number) => Promise<Record<string, number>>): FitEngine {
  const info: Record<string, number>[] = [];
  return {
    name, label, info,
    async time() {
      const t0 = performance.now();
      const r = await fit(info.length);
      const ms = r.ms ?? performance.now() - t0;
      info.push({ ...r, ms });
      return ms;
    },
  };
}

function report(title: string, engines: FitEngine[], runs: Map<string, number[]>, base: string, extra: (i: Record<string, number>) => string): Map<string, number> {
  console.log(title);
  const ms = new Map([...runs].map(([k, v]) => [k, median(v)]));
  const perIter = new Map(engines.map((e) => [e.name, median(e.info.map((i) => i.ms! / Math.max(i.nIter ?? 1, 1)))]));
  for (const e of engines) {
    const m = ms.get(e.name)!, last = e.info.at(-1)!;
    const ratio = ms.has(base) && e.name !== base ? `  ${(m / ms.get(base)!).toFixed(2)}× ${base} (per iteration ${(perIter.get(e.name)! / perIter.get(base)!).toFixed(2)}×)` : '';
    console.log(`  ${e.label.padEnd(64)} ${m.toFixed(0).padStart(7)} ms/fit  ${String(median(e.info.map((i) => i.nIter ?? 0))).padStart(4)} it.  ${extra(last)}${ratio}`);
  }
  return ms;
}

export async function benchClassical(): Promise<void> {
  const N = env('BENCH_N', 100000), D = env('BENCH_D', 64), K = env('BENCH_K', 32), ROUNDS = env('BENCH_ROUNDS', 5);
  const ML_ROUNDS = env('BENCH_ML_ROUNDS', 1), GMM_ITER = env('BENCH_GMM_ITER', 100), TSNE_ROUNDS = env('BENCH_TSNE_ROUNDS', 3);
  const { X } = cluster.randomBlobs(N, D, K, { std: 8, seed: 0 }); // overlapping blobs: Lloyd runs its 50 iterations
  const X32 = new Tensor('float32', [N, D], Float32Array.from(X.data));
  const digits = cluster.rawDigits().X;
  const dir = mkdtempSync(join(tmpdir(), 'repkit-bench-classical-'));
  writeFileSync(join(dir, 'blobs.f32'), new Uint8Array(X32.data.buffer));
  writeFileSync(join(dir, 'digits.f32'), new Uint8Array(Float32Array.from(digits.data).buffer));
  const missing = pythonMissing('sklearn');
  let peer: PythonPeer | undefined, sk = 'scikit-learn';
  if (missing) console.log(`scikit-learn: skipped (${missing})`);
  else {
    peer = new PythonPeer(fileURLToPath(new URL('../py/classical_sklearn.py', import.meta.url)), []);
    const hello = await peer.next<{ engine: string; threads: number }>();
    sk = `${hello.engine} CPU, ${hello.threads} thread${hello.threads === 1 ? '' : 's'}`;
    await peer.ask(`load blobs ${join(dir, 'blobs.f32')} ${N} ${D}`);
    await peer.ask(`load digits ${join(dir, 'digits.f32')} ${digits.shape[0]} ${digits.shape[1]}`);
  }
  const describe = async (b: string): Promise<string> => (await getBackend(b)).describe();
  const skEngines = (what: string, cmd: (dtype: string, round: number) => string): FitEngine[] => (peer ? ['float32', 'float64'].map((dt) =>
    fitEngine(`sklearn-${dt}`, `${sk}, ${what}, ${dt}`, async (r) => {
      const o = await peer!.ask<Record<string, number>>(cmd(dt, r));
      return { ms: o.ms!, nIter: o.n_iter!, inertia: o.inertia ?? NaN, score: o.score ?? NaN, kl: o.kl ?? NaN };
    })) : []);
  console.log(`bench classical: ${N} × ${D} Gaussian blobs (k = ${K}, std 8), digits 1797 × 64; medians of ${ROUNDS} interleaved rounds; single-threaded`);

  // k-means: nInit = 1, k-means++, 50 iterations at most, tol 0
  const kmEngines: FitEngine[] = [];
  for (const b of ['onnxruntime', 'wasm']) {
    kmEngines.push(fitEngine(`repkit-${b}`, `repkit KMeans, ${await describe(b)}`, async (r) => {
      const km = await new cluster.KMeans({ nClusters: K, nInit: 1, maxIter: 50, tol: 0, seed: r, backend: b }).fit(X32);
      km.dispose();
      return { nIter: km.nIter_, inertia: km.inertia_ };
    }));
  }
  kmEngines.push(...skEngines('KMeans lloyd', (dt, r) => `kmeans blobs ${dt} ${K} 50 0 ${r}`));
  const kmRuns = await interleave(kmEngines, ROUNDS, 1);
  const rows = Array.from({ length: N }, (_, i) => Array.from(X32.data.subarray(i * D, (i + 1) * D)));
  const ml = fitEngine('ml-kmeans', 'ml-kmeans 7.0.1 (JavaScript, float64)', async (r) => {
    const res = mlKmeans(rows, K, { initialization: 'kmeans++', maxIterations: 50, tolerance: 0, seed: r + 1 });
    return { nIter: res.iterations, inertia: NaN };
  });
  if (ML_ROUNDS > 0) {
    kmEngines.push(ml);
    const mlRuns: number[] = [];
    for (let r = 0; r < ML_ROUNDS; r++) mlRuns.push(await ml.time(1)); // tens of seconds each: after the interleaved rounds
    kmRuns.set('ml-kmeans', mlRuns);
  }
  const km = report(`KMeans, k = ${K}, nInit 1, k-means++, maxIter 50, tol 0 (fit time includes seeding)`, kmEngines, kmRuns, peer ? 'sklearn-float32' : 'repkit-onnxruntime',
    (i) => (Number.isFinite(i.inertia) ? `inertia ${i.inertia!.toExponential(5)}` : ''));

  // diagonal GMM: k-means start, reg 1e-6, tol 0 so that both sides run GMM_ITER EM iterations
  const gmEngines: FitEngine[] = [];
  for (const b of ['onnxruntime', 'wasm']) {
    gmEngines.push(fitEngine(`repkit-${b}`, `repkit GaussianMixture diag, ${await describe(b)}`, async (r) => {
      const g = await new cluster.GaussianMixture({ nComponents: K, covarianceType: 'diag', maxIter: GMM_ITER, tol: 0, seed: r, backend: b }).fit(X32);
      const score = await g.score(X32);
      g.dispose();
      return { nIter: g.nIter_, score };
    }));
  }
  gmEngines.push(...skEngines('GaussianMixture diag', (dt, r) => `gmm blobs ${dt} ${K} ${GMM_ITER} 0 ${r}`));
  const gm = report(`GaussianMixture diag, k = ${K}, k-means start (fit time includes it), ${GMM_ITER} EM iterations (tol 0)`, gmEngines, await interleave(gmEngines, ROUNDS, 1), peer ? 'sklearn-float32' : 'repkit-onnxruntime',
    (i) => `score ${i.score!.toFixed(4)}`);

  // Barnes–Hut t-SNE on digits (host TypeScript on our side)
  let ts: Map<string, number> | undefined;
  if (env('BENCH_TSNE', 1)) {
    const tsEngines: FitEngine[] = [fitEngine('repkit-host', 'repkit TSNE barnes_hut, host TypeScript, float64', async (r) => {
      const t = new manifold.TSNE({ method: 'barnes_hut', seed: r });
      await t.fit(digits);
      return { nIter: t.nIter_ + 1, kl: t.klDivergence_ };
    })];
    if (peer) tsEngines.push(fitEngine('sklearn', `${sk}, TSNE barnes_hut (Cython), float32`, async (r) => {
      const o = await peer!.ask<Record<string, number>>(`tsne digits ${r}`);
      return { ms: o.ms!, nIter: o.n_iter! + 1, kl: o.kl! };
    }));
    ts = report('t-SNE Barnes–Hut, digits, perplexity 30, PCA init, 1000 iterations', tsEngines, await interleave(tsEngines, TSNE_ROUNDS, 1), peer ? 'sklearn' : 'repkit-host',
      (i) => `KL ${i.kl!.toFixed(4)}`);
  }
  peer?.close();
  rmSync(dir, { recursive: true, force: true });

  const target = (what: string, ok: boolean, value: string): void => console.log(`  target ${what}: ${ok ? 'met' : 'NOT met'} (${value})`);
  console.log('targets');
  if (peer) {
    const r = km.get('repkit-onnxruntime')! / km.get('sklearn-float32')!;
    target('KMeans onnxruntime-cpu ≤ 1.0× sklearn float32', r <= 1, `${r.toFixed(2)}×`);
    const g = gm.get('repkit-onnxruntime')! / gm.get('sklearn-float32')!;
    target('GMM diag onnxruntime-cpu ≤ 1.5× sklearn float32', g <= 1.5, `${g.toFixed(2)}×`);
    if (ts) {
      const t = ts.get('repkit-host')! / ts.get('sklearn')!;
      target('t-SNE Barnes–Hut ≤ 2× sklearn', t <= 2, `${t.toFixed(2)}×`);
    }
  }
  if (km.has('ml-kmeans')) {
    const speed = km.get('ml-kmeans')! / km.get('repkit-onnxruntime')!;
    const perIt = (e: string): number => median(kmEngines.find((x) => x.name === e)!.info.map((i) => i.ms! / i.nIter!));
    target('KMeans onnxruntime-cpu ≥ 20× ml-kmeans (fit time)', speed >= 20, `${speed.toFixed(1)}× faster per fit, ${(perIt('ml-kmeans') / perIt('repkit-onnxruntime')).toFixed(1)}× per Lloyd iteration`);
  }
}
