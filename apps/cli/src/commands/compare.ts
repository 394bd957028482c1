// `repkit compare`: one ONNX file on several backends, output by output: the largest relative difference
// between backends, and each backend against the expected outputs (output_N.pb) when the folder has them.
import type { Command } from 'commander';
import { Philox, Tensor, formatType, isFloat, type Graph, type Results } from '@repkit/core';
import { readTestDataSet } from '@repkit/onnx';
import { TOLERANCE, compareDiscrete, maxRelErr } from '@repkit/conformance';
import { loadBackends, parseBackends } from '../backends.ts';
import { parseIntArg } from '../args.ts';
import { exitTwoOnUsageError, feedsFor, loadModel, matchNamed } from './run.ts';

/** Size of a symbolic dim that --dim does not set. */
export const DEFAULT_DIM = 3;
/** Float outputs: a whole model chains matmuls, so the matmul tolerance is the default. */
export const DEFAULT_TOL = TOLERANCE.matmul;

export interface CompareOptions {
  model: string;
  /** Folder with input_N.pb (and optionally expected output_N.pb); absent: seeded random inputs. */
  inputs?: string;
  backends: readonly string[];
  /** Sizes of symbolic dims for random inputs. */
  dims?: Readonly<Record<string, number>>;
  seed?: number;
  /** Largest relative error accepted for float outputs (integer and bool outputs must be equal). */
  tol?: number;
}

export interface Check {
  /** 'onnxruntime vs reference', or 'wasm vs expected'. */
  what: string;
  /** Floats: max relative error (Infinity on a shape mismatch or NaN); integers and bools: 0 or 1. */
  maxRelErr: number;
  /** Integer and bool outputs: elements that differ. */
  mismatches?: number;
  pass: boolean;
}

export interface OutputReport {
  name: string;
  type: string;
  /** Every pair of backends, the later against the earlier (the reference when it is listed first). */
  pairs: Check[];
  /** Each backend against output_N.pb, when the inputs folder has it. */
  expected: Check[];
}

export interface CompareReport {
  model: string;
  inputs: string;
  backends: { name: string; engine: string; error?: string }[];
  tol: number;
  outputs: OutputReport[];
  pass: boolean;
}

/** Largest valid index for an int input read directly as indices (gather rows, one-hot depth, scatter size). */
function indexBound(graph: Graph, name: string): number {
  const v = graph.input(name).value;
  let bound = Infinity;
  for (const n of graph.nodes) {
    const at = n.inputs.indexOf(v);
    if (n.op === 'gather' && at === 1 && typeof n.inputs[0]!.shape[0] === 'number') bound = Math.min(bound, n.inputs[0]!.shape[0]);
    if (n.op === 'oneHot' && at === 0) bound = Math.min(bound, (n.attrs as { depth: number }).depth);
    if (n.op === 'scatterAdd' && at === 0) bound = Math.min(bound, (n.attrs as { size: number }).size);
  }
  return Number.isFinite(bound) ? bound : 10;
}

/** Seeded inputs from the declared shapes: floats U(−1, 1), ints in [0, their index bound), bools fair coins. */
export function randomFeeds(graph: Graph, seed: number, dims: Readonly<Record<string, number>> = {}): Record<string, Tensor> {
  const known = new Set(graph.feeds.flatMap((i) => i.value.shape.filter((d): d is string => typeof d === 'string')));
  for (const d of Object.keys(dims)) {
    if (!known.has(d)) throw new Error(`--dim ${d}: the model has no symbolic dim '${d}' (it has: ${[...known].join(', ') || 'none'})`);
  }
  const rng = new Philox(seed);
  const feeds: Record<string, Tensor> = {};
  graph.feeds.forEach((i, k) => {
    const r = rng.fork(k);
    const shape = i.value.shape.map((d) => (typeof d === 'number' ? d : dims[d] ?? DEFAULT_DIM));
    const n = shape.reduce((p, q) => p * q, 1);
    const t = new Tensor(i.value.dtype, shape);
    if (isFloat(t.dtype)) t.data.set(r.uniforms(n, -1, 1));
    else if (t.dtype === 'int32') t.data.set(r.integers(n, 0, indexBound(graph, i.name)));
    else t.data.set(r.integers(n, 0, 2));
    feeds[i.name] = t;
  });
  return feeds;
}

/** maxRelErr where equal elements (NaN at the same place, the same infinity) agree: random inputs reach log(−x). */
function floatErr(got: Tensor, want: Tensor): number {
  if (got.size !== want.size) return maxRelErr(got, want);
  const same = (i: number): boolean => Object.is(got.data[i], want.data[i]) || got.data[i] === want.data[i];
  const special = (t: Tensor): boolean => t.data.some((v) => !Number.isFinite(v));
  if (!special(got) && !special(want)) return maxRelErr(got, want);
  const keep = (t: Tensor): Tensor => new Tensor('float64', t.shape, Float64Array.from(t.data, (v, i) => (same(i) ? 0 : v)));
  return maxRelErr(keep(got), keep(want));
}

function check(what: string, got: Tensor | undefined, want: Tensor, tol: number): Check {
  if (!got) return { what, maxRelErr: Infinity, pass: false };
  if (isFloat(want.dtype)) {
    const err = floatErr(got, want);
    return { what, maxRelErr: err, pass: err <= tol };
  }
  const sameShape = got.rank === want.rank && got.shape.every((d, i) => d === want.shape[i]);
  const mismatches = sameShape ? compareDiscrete(got, want, undefined, 0).violations : want.size || 1;
  return { what, maxRelErr: mismatches ? 1 : 0, mismatches, pass: mismatches === 0 };
}

/** Run MODEL on each backend and compare, output by output. Bad arguments throw; failed comparisons set `pass`. */
export async function compareModel(o: CompareOptions): Promise<CompareReport> {
  const tol = o.tol ?? DEFAULT_TOL;
  if (!(tol >= 0)) throw new Error(`--tol must be a non-negative number, got ${tol}`);
  const graph = await loadModel(o.model);
  let feeds: Record<string, Tensor>, expected: Record<string, Tensor> | undefined;
  if (o.inputs) {
    const set = await readTestDataSet(o.inputs).catch((e: Error) => {
      throw new Error(`--inputs ${e.message}`, { cause: e });
    });
    feeds = feedsFor(graph, set.inputs, `--inputs '${o.inputs}'`);
    if (set.outputs.length) expected = matchNamed(graph.outputs.map((x) => x.name), set.outputs, `--inputs '${o.inputs}'`, 'output');
  } else {
    feeds = randomFeeds(graph, o.seed ?? 0, o.dims);
  }
  if (o.backends.length < 2 && !expected) {
    throw new Error(`--backends: '${o.backends.join(',')}' alone has nothing to be compared with; list two or more backends, or give --inputs with expected outputs (output_N.pb)`);
  }
  const backends = await loadBackends(o.backends);
  const runs: { name: string; engine: string; out?: Results; error?: string }[] = [];
  for (const b of backends) {
    try {
      const exe = await b.compile(graph);
      try {
        runs.push({ name: b.name, engine: b.describe(), out: await exe.run(feeds) });
      } finally {
        exe.dispose();
      }
    } catch (e) {
      runs.push({ name: b.name, engine: b.describe(), error: (e as Error).message });
    }
  }
  const outputs = graph.outputs.map(({ name, value }): OutputReport => {
    const pairs: Check[] = [], against: Check[] = [];
    runs.forEach((a, i) => runs.slice(i + 1).forEach((b) => {
      if (a.out && b.out) pairs.push(check(`${b.name} vs ${a.name}`, b.out[name], a.out[name]!, tol));
    }));
    const want = expected?.[name];
    if (want) for (const r of runs) if (r.out) against.push(check(`${r.name} vs expected`, r.out[name], want, tol));
    return { name, type: formatType(value), pairs, expected: against };
  });
  const pass = runs.every((r) => !r.error) && outputs.every((x) => [...x.pairs, ...x.expected].every((c) => c.pass));
  return {
    model: o.model,
    inputs: o.inputs ?? `seeded random (seed ${o.seed ?? 0}, symbolic dims ${DEFAULT_DIM} unless --dim)`,
    backends: runs.map(({ name, engine, error }) => ({ name, engine, ...(error ? { error } : {}) })),
    tol,
    outputs,
    pass,
  };
}

const fmt = (c: Check): string => `${c.what} ${c.mismatches !== undefined ? `${c.mismatches} differ` : c.maxRelErr.toExponential(2)} ${c.pass ? 'ok' : 'FAIL'}`;

export function formatReport(r: CompareReport): string {
  const lines = [`${r.model}: inputs ${r.inputs}; tolerance ${r.tol} (max relative error of float outputs; integers must be equal)`];
  for (const b of r.backends) lines.push(`  ${b.name}: ${b.engine}${b.error ? ` — FAILED: ${b.error}` : ''}`);
  for (const o of r.outputs) {
    const worst = Math.max(0, ...o.pairs.map((c) => c.maxRelErr));
    lines.push(`output ${o.name} ${o.type}: max relative difference between backends ${o.pairs.length ? worst.toExponential(2) : 'n/a'}`);
    for (const c of [...o.pairs, ...o.expected]) lines.push(`  ${fmt(c)}`);
  }
  lines.push(r.pass ? 'PASS' : 'FAIL');
  return lines.join('\n');
}

function parseDims(list: readonly string[]): Record<string, number> {
  return Object.fromEntries(list.map((s) => {
    const m = /^([^=]+)=(.+)$/.exec(s);
    if (!m) throw new Error(`--dim '${s}': expected name=size, e.g. --dim batch=8`);
    return [m[1]!, parseIntArg(`--dim ${m[1]}`, m[2]!, 0)];
  }));
}

export function compareCommand(program: Command): void {
  exitTwoOnUsageError(program.command('compare'))
    .description('run an ONNX model on several backends and compare outputs (and expected output_N.pb); exit 1 beyond tolerance')
    .argument('<model>', 'the .onnx file')
    .option('--inputs <dir>', 'folder with input_N.pb and optional expected output_N.pb (default: seeded random inputs)')
    .option('--backends <list>', 'comma-separated backends', 'reference,onnxruntime,wasm')
    .option('--dim <name=size>', 'size of a symbolic dim for random inputs (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--seed <n>', 'seed of the random inputs', '0')
    .option('--tol <x>', 'largest relative error accepted for float outputs', String(DEFAULT_TOL))
    .option('--json', 'print the report as JSON')
    .action(async (model: string, o: { inputs?: string; backends: string; dim: string[]; seed: string; tol: string; json?: boolean }) => {
      const tol = Number(o.tol);
      if (!(tol >= 0)) throw new Error(`--tol must be a non-negative number, got '${o.tol}'`);
      if (o.inputs && o.dim.length) throw new Error('--dim sizes random inputs; it cannot be combined with --inputs');
      const r = await compareModel({
        model, inputs: o.inputs, backends: parseBackends(o.backends), dims: parseDims(o.dim), seed: parseIntArg('--seed', o.seed, 0), tol,
      });
      // JSON has no Infinity or NaN (a shape mismatch, a NaN output): write them as strings.
      console.log(o.json ? JSON.stringify(r, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1) : formatReport(r));
      if (!r.pass) process.exitCode = 1;
    });
}
