// Runs every case on every backend against the float64 reference and returns one row per check.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Philox, Trainer, getBackend, interpret, scalar, type Backend, type Graph, type Results, type Tensor } from '@repkit/core';
import { exportOnnx, writeOnnx } from '@repkit/onnx';
import type { Case } from './case.ts';
import { compareDiscrete, maxRelErr } from './compare.ts';
import { forwardGraph, gradientGraph, trainGraph } from './graphs.ts';
import { DISCRETE_MARGIN, TOLERANCE } from './tolerances.ts';
import { allCases } from './cases/index.ts';

export type Check = 'forward' | 'gradient' | 'train';

export interface Row {
  case: string;
  backend: string;
  check: Check;
  maxRelErr: number;
  tol: number;
  pass: boolean;
  /** Discrete outputs: fraction of elements equal to the reference's. */
  agreement?: number;
  error?: string;
}

export interface ConformanceOptions {
  backends: readonly string[];
  /** Keep cases whose name contains this string. */
  filter?: string;
  seed?: number;
  /** Write every checked graph here as ONNX (for onnx.checker). */
  onnxDir?: string;
  cases?: readonly Case[];
}

function caseSeed(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function compareResults(c: Case, check: Check, out: Results, ref: Results, feeds: Record<string, Tensor>): Omit<Row, 'case' | 'backend' | 'check'> {
  const kind = check === 'forward' ? c.kind : check;
  let err = 0, agreement: number | undefined, violations = 0;
  for (const [name, r] of Object.entries(ref)) {
    const a = out[name];
    if (!a) return { maxRelErr: Infinity, tol: TOLERANCE[kind], pass: false, error: `missing output '${name}'` };
    if (kind === 'discrete' || r.dtype === 'int32' || r.dtype === 'bool') {
      const d = compareDiscrete(a, r, c.margins?.[name]?.(feeds), DISCRETE_MARGIN);
      agreement = Math.min(agreement ?? 1, d.agreement);
      violations += d.violations;
    } else {
      err = Math.max(err, maxRelErr(a, r));
    }
  }
  const tol = TOLERANCE[kind];
  return { maxRelErr: err, tol, pass: err <= tol && violations === 0, ...(agreement !== undefined ? { agreement } : {}) };
}

async function runOn(backend: Backend, graph: Graph, feeds: Record<string, Tensor>): Promise<Results> {
  const exe = await backend.compile(graph);
  try {
    return await exe.run(feeds);
  } finally {
    exe.dispose();
  }
}

async function train(c: Case, backend: Backend, graph: Graph, feeds: Record<string, Tensor>): Promise<Results> {
  const step = trainGraph(c, graph);
  const trainer = await Trainer.create(step, backend, c.train!.init(new Philox(caseSeed(c.name), 1)));
  let loss = 0;
  try {
    for (let t = 0; t < c.train!.steps; t++) loss = (await trainer.run(feeds)).loss!;
  } finally {
    trainer.dispose();
  }
  return { ...trainer.params, ...trainer.carried, loss: scalar(loss, 'float64') };
}

export async function runConformance(opts: ConformanceOptions): Promise<Row[]> {
  const cases = (opts.cases ?? allCases).filter((c) => !opts.filter || c.name.includes(opts.filter));
  const backends = await Promise.all(opts.backends.map((b) => getBackend(b)));
  const reference = await getBackend('reference');
  if (opts.onnxDir) mkdirSync(opts.onnxDir, { recursive: true });
  const rows: Row[] = [];
  for (const c of cases) {
    const rng = new Philox(opts.seed ?? 0, caseSeed(c.name));
    const forward = forwardGraph(c);
    const feeds = c.feeds(rng);
    const checks: { check: Check; graph: Graph; feeds: Record<string, Tensor> }[] = [];
    if (c.train) {
      checks.push({ check: 'train', graph: forward, feeds });
    } else {
      checks.push({ check: 'forward', graph: forward, feeds });
      if (c.grad) checks.push({ check: 'gradient', ...gradientGraph(c, forward, feeds, rng) });
    }
    for (const { check, graph, feeds: f } of checks) {
      if (opts.onnxDir) {
        const g = check === 'train' ? trainGraph(c, graph).graph : graph;
        await writeOnnx(join(opts.onnxDir, `${c.name.replace(/[^A-Za-z0-9=.-]+/g, '_')}.${check}.onnx`), exportOnnx(g));
      }
      const ref = check === 'train' ? await train(c, reference, graph, f) : interpret(graph, f);
      for (const backend of backends) {
        const base = { case: c.name, backend: backend.name, check };
        try {
          const out = check === 'train' ? await train(c, backend, graph, f) : await runOn(backend, graph, f);
          rows.push({ ...base, ...compareResults(c, check, out, ref, f) });
        } catch (e) {
          rows.push({ ...base, maxRelErr: Infinity, tol: TOLERANCE[check === 'forward' ? c.kind : check], pass: false, error: (e as Error).message });
        }
      }
    }
  }
  return rows;
}
