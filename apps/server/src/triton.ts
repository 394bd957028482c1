// A Triton model repository entry for an ONNX file: DIR/<name>/1/model.onnx and DIR/<name>/config.pbtxt,
// with inputs and outputs read from the file itself, written to a temporary folder and renamed into place.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspectModel, type ModelSummary, type ValueSummary } from '@repkit/onnx';
import type { Dim } from '@repkit/core';

const TRITON_TYPES: Record<string, string> = {
  float32: 'TYPE_FP32', float64: 'TYPE_FP64', int32: 'TYPE_INT32', int64: 'TYPE_INT64', bool: 'TYPE_BOOL',
};

export interface TritonOptions {
  /**
   * Batch limit when every input and output shares one dynamic first dim (default 64); 0 forces the
   * unbatched form (max_batch_size 0, full dims).
   */
  maxBatchSize?: number;
  /** How long Triton's dynamic batcher holds a request for others, in µs (default 0, as our server: batch what queued during the previous run). */
  maxQueueDelayUs?: number;
  /** Where instances run (default KIND_GPU; KIND_CPU for a Triton host without a GPU). */
  kind?: 'KIND_GPU' | 'KIND_CPU';
}

/**
 * The dim every input and output starts with, when it is one dynamic dim: a batch dim. For repkit
 * exports a named symbolic leading dim is a batch of independent rows (the KGE scorer's q: row i of
 * every output depends on row i of the inputs only), which is exactly what Triton's batching assumes.
 */
export function batchDim(m: Pick<ModelSummary, 'inputs' | 'outputs'>): string | null {
  const all = [...m.inputs, ...m.outputs];
  const d = all[0]?.shape[0];
  return typeof d === 'string' && all.every((v) => v.shape.length >= 1 && v.shape[0] === d) ? d : null;
}

const dimText = (d: Dim): string => (typeof d === 'number' ? String(d) : '-1');

function tensorBlock(v: ValueSummary, batched: boolean, what: string): string {
  const type = TRITON_TYPES[v.dtype];
  if (!type) throw new Error(`writeTritonRepo: ${what} '${v.name}' has ONNX type ${v.dtype}; Triton configs are written for ${Object.keys(TRITON_TYPES).join(', ')}`);
  const dims = batched ? v.shape.slice(1) : v.shape;
  // Triton needs at least one dim: a [q] (or scalar) tensor is dims [1] reshaped to [].
  const shape = dims.length === 0 ? '    dims: [ 1 ]\n    reshape: { shape: [ ] }' : `    dims: [ ${dims.map(dimText).join(', ')} ]`;
  return `  {\n    name: ${JSON.stringify(v.name)}\n    data_type: ${type}\n${shape}\n  }`;
}

/** The text of config.pbtxt for a model (see batchDim for when max_batch_size > 0 is written). */
export function tritonConfig(name: string, m: Pick<ModelSummary, 'inputs' | 'outputs'>, opts: TritonOptions = {}): string {
  const { maxBatchSize = 64, maxQueueDelayUs = 0, kind = 'KIND_GPU' } = opts;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 0) throw new Error(`writeTritonRepo: maxBatchSize must be an integer ≥ 0, got ${maxBatchSize}`);
  if (!Number.isInteger(maxQueueDelayUs) || maxQueueDelayUs < 0) throw new Error(`writeTritonRepo: maxQueueDelayUs must be an integer ≥ 0, got ${maxQueueDelayUs}`);
  if (kind !== 'KIND_GPU' && kind !== 'KIND_CPU') throw new Error(`writeTritonRepo: kind must be KIND_GPU or KIND_CPU, got '${String(kind)}'`);
  const dim = maxBatchSize > 0 ? batchDim(m) : null;
  const lines = [
    `# Written by repkit from the ONNX file in 1/model.onnx; dims match its inputs and outputs.`,
    `name: ${JSON.stringify(name)}`,
    `platform: "onnxruntime_onnx"`,
  ];
  if (dim) {
    lines.push(
      `# '${dim}' is a batch dim (independent rows), so it is Triton's implicit batch dim and is left out of dims below:`,
      `# with max_batch_size 0 Triton's dynamic batcher could not merge requests (each would run alone).`,
      `max_batch_size: ${maxBatchSize}`,
    );
  } else {
    lines.push(`# The inputs and outputs share no dynamic first dim, so requests are not batched: full dims, -1 where dynamic.`, `max_batch_size: 0`);
  }
  lines.push(
    `input [\n${m.inputs.map((v) => tensorBlock(v, Boolean(dim), 'input')).join(',\n')}\n]`,
    `output [\n${m.outputs.map((v) => tensorBlock(v, Boolean(dim), 'output')).join(',\n')}\n]`,
  );
  if (dim) lines.push(`dynamic_batching {\n  max_queue_delay_microseconds: ${maxQueueDelayUs}\n}`);
  lines.push(
    kind === 'KIND_GPU'
      ? `# A Triton host without a GPU refuses KIND_GPU ("no GPUs are available"): write KIND_CPU there.`
      : `# KIND_CPU: instances run on the CPU; write KIND_GPU on a host with a GPU.`,
    `instance_group [\n  {\n    count: 1\n    kind: ${kind}\n  }\n]`,
  );
  return lines.join('\n') + '\n';
}

/**
 * Write DIR/<name>/1/model.onnx and DIR/<name>/config.pbtxt. The model folder is built under a
 * temporary name and renamed into place, replacing any earlier folder of that name (all its versions).
 */
export async function writeTritonRepo(dir: string, name: string, onnxBytes: Uint8Array, opts: TritonOptions = {}): Promise<{ modelDir: string; config: string }> {
  if (typeof dir !== 'string' || dir === '') throw new Error('writeTritonRepo: dir must be a non-empty path, e.g. "triton-models"');
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new Error(`writeTritonRepo: name must be letters, digits, '_', '.' or '-' (a folder name Triton accepts), got ${JSON.stringify(name)}`);
  }
  if (!(onnxBytes instanceof Uint8Array) || onnxBytes.length === 0) throw new Error('writeTritonRepo: onnxBytes must be the non-empty bytes of an .onnx file');
  const config = tritonConfig(name, inspectModel(onnxBytes), opts);
  const modelDir = join(dir, name);
  const stamp = `${process.pid}.${Date.now().toString(36)}`;
  const tmp = join(dir, `.${name}.tmp-${stamp}`), old = join(dir, `.${name}.old-${stamp}`);
  let moved = false;
  try {
    await mkdir(join(tmp, '1'), { recursive: true });
    await writeFile(join(tmp, '1', 'model.onnx'), onnxBytes);
    await writeFile(join(tmp, 'config.pbtxt'), config);
    moved = await rename(modelDir, old).then(() => true, (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return false;
      throw e;
    });
    await rename(tmp, modelDir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (moved) await rename(old, modelDir).catch(() => {}); // put the earlier model back
    throw new Error(`writeTritonRepo: could not write '${modelDir}': ${(err as Error).message}`, { cause: err });
  }
  if (moved) await rm(old, { recursive: true, force: true });
  return { modelDir, config };
}
