// `npm run bench -- kernels`: every host kernel of @repkit/kernels on the native addon, the wasm module
// and TypeScript, single-threaded, medians of interleaved rounds, printed as ratios to TypeScript;
// fused L1 1-vs-all scoring also against onnxruntime-cpu computing the same scores by broadcasting.
// REPKIT_BENCH_KERNELS=images,eigen runs only those groups (score, core, images, eigen; default all).
// On x86-64 the addon scores with AVX2 where the CPU has it; the score cases also time its SSE2 path
// (native-sse2: the same addon with AVX2 switched off), interleaved with the others.
import { GraphBuilder, Philox, Tensor, abs, getBackend, neg, reshape, sub, sum, type Executable } from '@repkit/core';
import '@repkit/backend-onnxruntime';
import { Kernels, kernels, kernelsInfo, type EngineName } from '@repkit/kernels';
import { interleave, median, type Engine } from './stats.ts';

const D = 100, CANDIDATES = 100_000, QUERIES = 1000, QUERY_BATCH = 100, ORT_BATCH = 4, ORT_QUERIES = 16;

interface Case {
  name: string;
  /** What one repetition does, and per what unit ms are printed. */
  what: string;
  unit: string;
  units: number;
  dtype: string;
  rounds: number;
  run(k: Kernels): void;
  /** Also print units per second under this name (e.g. 'images'). */
  rate?: string;
}

/** Fused 1-vs-all scoring (the KGE evaluation kernel). */
function scoreCases(): Case[] {
  const r = new Philox(7);
  const ent = r.uniforms(CANDIDATES * D, -1, 1), queries = r.uniforms(QUERIES * D, -1, 1);
  const scoreRows = (k: Kernels, metric: 'l1' | 'l2', n: number) => {
    for (let b = 0; b < n; b += QUERY_BATCH) k.score(queries.subarray(b * D, (b + QUERY_BATCH) * D), ent, { dim: D, metric });
  };
  return [
    { name: 'score L1', what: `${QUERIES} queries × ${CANDIDATES / 1000}k candidates, d = ${D}`, unit: 'query', units: QUERIES, dtype: 'float64', rounds: 3, run: (k) => scoreRows(k, 'l1', QUERIES) },
    { name: 'score L2', what: `200 queries × ${CANDIDATES / 1000}k candidates, d = ${D}`, unit: 'query', units: 200, dtype: 'float64', rounds: 3, run: (k) => scoreRows(k, 'l2', 200) },
  ];
}

function cases(): Case[] {
  const r = new Philox(7);
  r.uniforms((CANDIDATES + QUERIES) * D); // the draws scoreCases makes, so the inputs below are unchanged
  const E = 1_000_000, T = 100_000;
  const triples = new Int32Array(3 * T);
  for (let i = 0; i < T; i++) triples.set([r.integer(0, E), r.integer(0, 1000), r.integer(0, E)], 3 * i);
  const pHead = r.uniforms(1000);
  const rows = 1000, cols = 100_000;
  const scores = r.uniforms(rows * cols), trueIds = r.integers(rows, 0, cols);
  const ts = kernels('typescript');
  const known = ts.csr(r.integers(10 * rows, 0, rows), r.integers(10 * rows, 0, cols), rows, { dedupe: true });
  const src = r.integers(1_000_000, 0, 100_000), dst = r.integers(1_000_000, 0, 100_000);
  const M = 1_000_000;
  const graph = ts.csr(src, dst, 100_000), seeds = r.integers(100_000, 0, 100_000);
  const spd = new Float64Array(10_000 * 16 * 16);
  for (let b = 0; b < 10_000; b++) for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) spd[b * 256 + i * 16 + j] = i === j ? 2 : 1 / (1 + Math.abs(i - j));
  const points = r.uniforms(5000 * 32);
  return [
    { name: 'philox u32', what: '1M words', unit: '1M', units: 1, dtype: 'uint32', rounds: 7, run: (k) => k.u32(new Philox(1), M) },
    { name: 'philox uniforms', what: '1M uniforms', unit: '1M', units: 1, dtype: 'float64', rounds: 7, run: (k) => k.uniforms(new Philox(1), M) },
    { name: 'philox integers', what: '1M in [0, 1000)', unit: '1M', units: 1, dtype: 'int32', rounds: 7, run: (k) => k.integers(new Philox(1), M, 0, 1000) },
    { name: 'philox normals', what: '1M normals', unit: '1M', units: 1, dtype: 'float64', rounds: 7, run: (k) => k.normals(new Philox(1), M) },
    { name: 'negatives', what: `${T / 1000}k triples × 10, Bernoulli, 1M entities`, unit: 'call', units: 1, dtype: 'int32', rounds: 7,
      run: (k) => k.negatives(triples, new Philox(1), { numEntities: E, perTriple: 10, mode: 'bernoulli', headProbability: pHead }) },
    { name: 'filtered ranks', what: `${rows} rows × ${cols / 1000}k, 10 known per row`, unit: 'call', units: 1, dtype: 'float64', rounds: 5, run: (k) => k.filteredRanks(scores, trueIds, known) },
    { name: 'top-k', what: `${rows} rows × ${cols / 1000}k, k = 10`, unit: 'call', units: 1, dtype: 'float64', rounds: 5, run: (k) => k.topK(scores, cols, 10) },
    { name: 'neighbours', what: '100k seeds, k = 10, avg degree 10', unit: 'call', units: 1, dtype: 'int32', rounds: 7, run: (k) => k.sampleNeighbors(graph, seeds, 10, new Philox(1)) },
    { name: 'cholesky', what: '10k SPD matrices 16×16 + log-det', unit: 'call', units: 1, dtype: 'float64', rounds: 7, run: (k) => k.cholesky(spd, 16) },
    { name: 'k-NN graph', what: '5k points, d = 32, k = 10, L2', unit: 'call', units: 1, dtype: 'float64', rounds: 3, run: (k) => k.knnGraph(points, { dim: 32, k: 10, metric: 'l2' }) },
    { name: 'csr', what: '1M edges over 100k nodes, sorted + deduplicated', unit: 'call', units: 1, dtype: 'int32', rounds: 7, run: (k) => k.csr(src, dst, 100_000, { dedupe: true }) },
  ];
}

/** Augmentation of 8×8 digit-sized images (ssl-semi.md §5), throughput in images per second. */
function imageCases(): Case[] {
  const r = new Philox(8), N = 100_000, S = 20_000;
  const imgs = Float32Array.from({ length: N * 64 }, () => r.integer(0, 17) / 16);
  const turns = r.integers(N, 0, 4);
  const img = (name: string, what: string, units: number, run: (k: Kernels) => void): Case =>
    ({ name, what, unit: 'image', units, dtype: 'float32', rounds: 7, rate: 'images', run });
  return [
    img('shift images', `${N / 1000}k 8×8 images, ±1 px (weak α)`, N, (k) => k.shiftImages(imgs, N, 8, 8, new Philox(1))),
    img('strong augment', `${S / 1000}k 8×8 images, default options (A)`, S, (k) => k.strongAugment(imgs.subarray(0, S * 64), S, 8, 8, new Philox(1))),
    img('rotate90', `${N / 1000}k 8×8 images, k per image`, N, (k) => k.rotate90(imgs, N, 8, 8, turns)),
  ];
}

/** Symmetric eigendecomposition and SPD powers (cyclic Jacobi), the sizes GMML and GMM use. */
function eigenCases(): Case[] {
  const r = new Philox(9);
  const spd = (batch: number, n: number) => {
    const A = new Float64Array(batch * n * n);
    for (let b = 0; b < batch; b++) {
      const M = r.uniforms(n * n, -1, 1);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = i === j ? 1 : 0;
        for (let l = 0; l < n; l++) s += M[i * n + l]! * M[j * n + l]!;
        A[b * n * n + i * n + j] = s;
      }
    }
    return A;
  };
  const a16 = spd(2000, 16), a64 = spd(20, 64);
  const mat = (name: string, what: string, units: number, run: (k: Kernels) => void): Case =>
    ({ name, what, unit: 'matrix', units, dtype: 'float64', rounds: 5, rate: 'matrices', run });
  return [
    mat('eigh 16', '2k SPD matrices 16×16', 2000, (k) => k.eigh(a16, 16)),
    mat('eigh 64', '20 SPD matrices 64×64', 20, (k) => k.eigh(a64, 64)),
    mat('spdPower 16', '2k SPD matrices 16×16, p = −½', 2000, (k) => k.spdPower(a16, 16, -0.5)),
    mat('spdPower 64 p', '20 SPD matrices 64×64, p = 0.3', 20, (k) => k.spdPower(a64, 64, 0.3)),
  ];
}

const GROUPS: Record<string, () => Case[]> = { score: scoreCases, core: cases, images: imageCases, eigen: eigenCases };

/** The addon with its AVX2 scoring path switched off (its 8th score argument), or undefined where it has none. */
function nativeSse2(native: Kernels): Kernels | undefined {
  if (!native.engine.detail.includes('+avx2')) return undefined;
  const score = native.engine.score as (...a: [...Parameters<Kernels['engine']['score']>, boolean]) => void;
  return new Kernels(Object.assign(Object.create(native.engine) as Kernels['engine'], {
    name: 'native', detail: native.engine.detail.replace('+avx2', ', AVX2 off'),
    score: (...a: Parameters<Kernels['engine']['score']>) => score(...a, false),
  }));
}

/** onnxruntime-cpu, one thread: −Σ|q − E| by broadcasting [b,1,d] − [1,E,d] (materialises b×E×d per run). */
async function ortScorer(): Promise<{ label: string; msPerQuery(): Promise<number> }> {
  const ort = await getBackend('onnxruntime');
  const b = new GraphBuilder('l1_broadcast');
  const q = b.data('q', 'float64', [ORT_BATCH, D]), e = b.data('E', 'float64', [CANDIDATES, D]);
  const exe: Executable = await ort.compile(b.build({ s: neg(sum(abs(sub(reshape(q, [ORT_BATCH, 1, D]), reshape(e, [1, CANDIDATES, D]))), -1)) }));
  const r = new Philox(9);
  const E = new Tensor('float64', [CANDIDATES, D], r.uniforms(CANDIDATES * D, -1, 1));
  const Q = new Tensor('float64', [ORT_BATCH, D], r.uniforms(ORT_BATCH * D, -1, 1));
  await exe.run({ q: Q, E });
  return {
    label: `onnxruntime-cpu, broadcast, 1 thread, float64`,
    async msPerQuery() {
      const t0 = performance.now();
      for (let i = 0; i < ORT_QUERIES / ORT_BATCH; i++) await exe.run({ q: Q, E });
      return (performance.now() - t0) / ORT_QUERIES;
    },
  };
}

export async function benchKernels(): Promise<void> {
  const info = kernelsInfo();
  const names = (['native', 'wasm', 'typescript'] as EngineName[]).filter((n) => info.engines[n].available);
  for (const n of ['native', 'wasm'] as const) if (!info.engines[n].available) console.log(`${n}: skipped (${info.engines[n].reason})`);
  console.log(`bench kernels: single-threaded; medians of interleaved rounds; ratios are speed-ups over TypeScript`);
  const ratio = new Map<string, number>();
  const groups = (process.env.REPKIT_BENCH_KERNELS ?? Object.keys(GROUPS).join(',')).split(',');
  const unknown = groups.filter((g) => !GROUPS[g]);
  if (unknown.length) throw new Error(`REPKIT_BENCH_KERNELS: unknown group ${unknown.join(', ')}; choose from ${Object.keys(GROUPS).join(', ')}`);
  for (const c of groups.flatMap((g) => GROUPS[g]!())) {
    const sse2 = c.name.startsWith('score') && info.engines.native.available ? nativeSse2(kernels('native')) : undefined;
    const variants: [string, Kernels][] = names.map((n) => [n, kernels(n)]);
    if (sse2) variants.splice(1, 0, ['native-sse2', sse2]);
    const engines: Engine[] = variants.map(([n, k]) => {
      c.run(k); // warm-up: JIT, wasm memory growth
      return {
        name: n,
        label: `${n.replace('-sse2', '')} (${k.engine.detail}), ${c.dtype}`,
        async time(reps) {
          const t0 = performance.now();
          for (let i = 0; i < reps; i++) c.run(k);
          return (performance.now() - t0) / reps / c.units;
        },
      };
    });
    const ms = new Map([...(await interleave(engines, c.rounds, 1))].map(([k, v]) => [k, median(v)]));
    console.log(`  ${c.name}: ${c.what}; median of ${c.rounds} rounds`);
    for (const e of engines) {
      const m = ms.get(e.name)!, speedup = ms.get('typescript')! / m;
      ratio.set(`${c.name}/${e.name}`, speedup);
      const rate = c.rate ? `  ${Math.round(1000 / m).toLocaleString('en-US').padStart(11)} ${c.rate}/s` : '';
      console.log(`    ${c.name.padEnd(16)} ${e.label.padEnd(56)} ${(c.rate ? m.toPrecision(3) : m.toFixed(3)).padStart(9)} ms/${c.unit}${rate}  ${speedup.toFixed(2)}× typescript`);
    }
    if (c.name === 'score L1' && info.engines.native.available) await ortLine(ms.get('native')!, ratio);
  }
  const check = (what: string, key: string, min: number) => {
    const v = ratio.get(key);
    console.log(`  target ${what} ≥ ${min}×: ${v === undefined ? 'not measured' : `${v >= min ? 'met' : 'NOT met'} (${v.toFixed(2)}×)`}`);
  };
  check('score L1 native vs typescript', 'score L1/native', 5);
  check('score L1 wasm vs typescript', 'score L1/wasm', 2);
  check('score L1 native vs onnxruntime-cpu', 'score L1/ort', 2);
  check('philox normals native vs typescript', 'philox normals/native', 3);
}

async function ortLine(nativeMs: number, ratio: Map<string, number>): Promise<void> {
  try {
    const ort = await ortScorer();
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(await ort.msPerQuery());
    const m = median(runs);
    ratio.set('score L1/ort', m / nativeMs);
    console.log(`    ${'score L1'.padEnd(16)} ${ort.label.padEnd(56)} ${m.toFixed(3).padStart(9)} ms/query  native is ${(m / nativeMs).toFixed(2)}× faster (${ORT_QUERIES} queries, batches of ${ORT_BATCH})`);
  } catch (e) {
    console.log(`    score L1 onnxruntime-cpu: skipped (${(e as Error).message.split('\n')[0]})`);
  }
}
