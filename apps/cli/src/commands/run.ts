// `repkit run`: an ONNX file (ours or another tool's) imported and run on one backend, inputs read
// from an ONNX test data folder (input_N.pb), outputs written beside them as output_N.pb.
import type { Command } from 'commander';
import { mkdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { bindFeeds, formatType, isFloat, type Graph, type Tensor } from '@repkit/core';
import { importOnnx, readTestDataSet, writeTensorFiles, type NamedTensor } from '@repkit/onnx';
import { loadBackends, parseBackends } from '../backends.ts';

/** Read and import a model file; every error names the MODEL argument. */
export async function loadModel(path: string): Promise<Graph> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`MODEL '${path}': cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  try {
    return importOnnx(bytes, { name: basename(path).replace(/\.onnx$/, '') });
  } catch (e) {
    throw new Error(`MODEL '${path}': ${(e as Error).message.replace(/^importOnnx: /, '')}`, { cause: e });
  }
}

/** Pair test-data tensors with the graph's inputs (by name when every file names one, else in order). */
export function matchNamed(names: readonly string[], tensors: readonly NamedTensor[], what: string, kind: string): Record<string, Tensor> {
  if (tensors.length !== names.length) {
    throw new Error(`${what}: ${tensors.length} ${kind}_N.pb file(s) for ${names.length} model ${kind}(s) (${names.join(', ')})`);
  }
  const byName = tensors.every((t) => names.includes(t.name)) && new Set(tensors.map((t) => t.name)).size === names.length;
  return Object.fromEntries(names.map((n, k) => [n, (byName ? tensors.find((t) => t.name === n)! : tensors[k]!).tensor]));
}

/** Feeds for a graph from an input folder, checked against the graph's declared inputs. */
export function feedsFor(graph: Graph, tensors: readonly NamedTensor[], what: string): Record<string, Tensor> {
  const feeds = matchNamed(graph.feeds.map((i) => i.name), tensors, what, 'input');
  try {
    bindFeeds(graph, feeds);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
  }
  return feeds;
}

/** min / max / mean of a tensor, for the summary line. */
export function describeTensor(t: Tensor): string {
  if (t.size === 0) return `${t.dtype}[${t.shape.join(', ')}] (empty)`;
  let lo = Infinity, hi = -Infinity, s = 0;
  for (let i = 0; i < t.size; i++) {
    const v = t.data[i]!;
    lo = Math.min(lo, v); hi = Math.max(hi, v); s += v;
  }
  const f = (v: number): string => (isFloat(t.dtype) ? v.toPrecision(6) : String(v));
  return `${t.dtype}[${t.shape.join(', ')}] min ${f(lo)} max ${f(hi)} mean ${(s / t.size).toPrecision(6)}`;
}

export interface RunOptions {
  model: string;
  backend: string;
  inputs: string;
  out?: string;
}

export interface RunResult {
  graph: Graph;
  engine: string;
  outputs: NamedTensor[];
  ms: number;
  /** Files written (with `out`). */
  files: string[];
}

/** Import MODEL, run it on one backend with the folder's inputs; write output_N.pb only after a successful run. */
export async function runModel(o: RunOptions): Promise<RunResult> {
  const graph = await loadModel(o.model);
  const set = await readTestDataSet(o.inputs).catch((e: Error) => {
    throw new Error(`--inputs ${e.message}`, { cause: e });
  });
  const feeds = feedsFor(graph, set.inputs, `--inputs '${o.inputs}'`);
  const [backend] = await loadBackends(parseBackends(o.backend, '--backend'));
  const t0 = performance.now();
  const exe = await backend!.compile(graph);
  let results;
  try {
    results = await exe.run(feeds);
  } finally {
    exe.dispose();
  }
  const ms = performance.now() - t0;
  const outputs = graph.outputs.map((g) => ({ name: g.name, tensor: results[g.name]! }));
  let files: string[] = [];
  if (o.out) {
    await mkdir(o.out, { recursive: true });
    files = await writeTensorFiles(o.out, 'output', outputs);
  }
  return { graph, engine: backend!.describe(), outputs, ms, files };
}

/** Usage errors exit 2 like any bad input: exit 1 is kept for a failed comparison. */
export function exitTwoOnUsageError(cmd: Command): Command {
  return cmd.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
}

export function runCommand(program: Command): void {
  exitTwoOnUsageError(program.command('run'))
    .description('run an ONNX model (opset ≤ 17) on one backend with inputs from an ONNX test data folder')
    .argument('<model>', 'the .onnx file')
    .requiredOption('--inputs <dir>', 'folder with input_0.pb, input_1.pb, … (serialized TensorProto, as ONNX test data)')
    .option('--backend <name>', 'reference, onnxruntime or wasm', 'reference')
    .option('--out <dir>', 'write the outputs here as output_0.pb, output_1.pb, …')
    .action(async (model: string, o: { inputs: string; backend: string; out?: string }) => {
      if (o.backend.includes(',')) throw new Error(`--backend takes one backend, got '${o.backend}'; use 'repkit compare' for several`);
      const r = await runModel({ model, backend: o.backend, inputs: o.inputs, out: o.out });
      console.log(`${model}: ${r.graph.nodes.length} ops, on ${r.engine}, ${r.ms.toFixed(1)} ms (compile + run)`);
      for (const i of r.graph.feeds) console.log(`  input  ${i.name}: ${formatType(i.value)}`);
      r.outputs.forEach((x, k) => console.log(`  output ${x.name}: ${describeTensor(x.tensor)}${r.files[k] ? ` → ${r.files[k]}` : ''}`));
    });
}
