// ONNX's test-data layout: test_data_set_N/input_K.pb and output_K.pb, each one serialized TensorProto.
// Reading narrows int64 to int32 (core's index type); writing is atomic (temporary files, then renames).
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { TensorProtoSchema } from 'onnx-buf';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Tensor } from '@repkit/core';
import { tensorFromProto } from './import/tensor-proto.ts';
import { tensorProto } from './protos.ts';

export interface NamedTensor {
  /** The TensorProto's name: the graph input or output it belongs to ('' when the file names none). */
  name: string;
  tensor: Tensor;
}

export interface TestDataSet {
  inputs: NamedTensor[];
  outputs: NamedTensor[];
}

/** Serialize a tensor as a TensorProto (raw_data, little-endian). */
export function encodeTensor(name: string, t: Tensor): Uint8Array {
  if (!(t instanceof Tensor)) throw new Error(`encodeTensor: '${name}' is not a Tensor; pass a @repkit/core Tensor`);
  return toBinary(TensorProtoSchema, tensorProto(name, t));
}

/** Decode a serialized TensorProto; `what` names it in errors (a file path, say). */
export function decodeTensor(bytes: Uint8Array, what = 'tensor'): NamedTensor {
  let p;
  try {
    p = fromBinary(TensorProtoSchema, bytes);
  } catch (e) {
    throw new Error(`${what}: not a serialized TensorProto (${(e as Error).message})`, { cause: e });
  }
  return { name: p.name, tensor: tensorFromProto(p, what) };
}

export async function readTensorFile(path: string): Promise<NamedTensor> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`'${path}': cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  return decodeTensor(bytes, `'${path}'`);
}

/** Files named `<prefix>_<k>.pb` in dir, in order k = 0, 1, …; a gap is an error. */
function numbered(files: readonly string[], prefix: string, dir: string, contiguous = true): string[] {
  const re = new RegExp(`^${prefix}_(\\d+)\\.pb$`);
  const ks = files.flatMap((f) => (re.exec(f) ? [Number(re.exec(f)![1])] : [])).sort((a, b) => a - b);
  ks.forEach((k, i) => {
    if (contiguous && k !== i) throw new Error(`'${dir}': ${prefix}_${i}.pb is missing (found ${ks.map((x) => `${prefix}_${x}.pb`).join(', ')})`);
  });
  return ks.map((k) => join(dir, `${prefix}_${k}.pb`));
}

/** Read input_K.pb (at least one) and output_K.pb (possibly none) of a test data set folder. */
export async function readTestDataSet(dir: string): Promise<TestDataSet> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (e) {
    throw new Error(`'${dir}': cannot list the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const inputs = numbered(files, 'input', dir), outputs = numbered(files, 'output', dir);
  if (inputs.length === 0) throw new Error(`'${dir}': no input_0.pb; a test data set holds input_K.pb (and output_K.pb) TensorProto files`);
  return {
    inputs: await Promise.all(inputs.map(readTensorFile)),
    outputs: await Promise.all(outputs.map(readTensorFile)),
  };
}

/** Write `<prefix>_K.pb` files into dir (replacing a set there): each is written and flushed under a temporary name first. */
export async function writeTensorFiles(dir: string, prefix: 'input' | 'output', tensors: readonly NamedTensor[]): Promise<string[]> {
  const stamp = `${process.pid}.${Date.now().toString(36)}`;
  const jobs = tensors.map((t, k) => {
    const path = join(dir, `${prefix}_${k}.pb`);
    return { path, tmp: join(dirname(path), `.${basename(path)}.${stamp}.tmp`), bytes: encodeTensor(t.name, t.tensor) };
  });
  try {
    for (const j of jobs) {
      const fh = await open(j.tmp, 'w');
      try {
        await fh.writeFile(j.bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    for (const j of jobs) await rename(j.tmp, j.path);
    // Files of an earlier, longer set would read as part of this one: remove them.
    const stale = numbered(await readdir(dir), prefix, dir, false).slice(jobs.length);
    await Promise.all(stale.map((f) => rm(f, { force: true })));
  } catch (e) {
    await Promise.all(jobs.map((j) => rm(j.tmp, { force: true })));
    throw new Error(`could not write ${prefix}_K.pb files into '${dir}': ${(e as Error).message}`, { cause: e });
  }
  return jobs.map((j) => j.path);
}

/** Write a whole test data set (inputs, then outputs) into an existing folder. */
export async function writeTestDataSet(dir: string, set: TestDataSet): Promise<void> {
  await writeTensorFiles(dir, 'input', set.inputs);
  await writeTensorFiles(dir, 'output', set.outputs);
}
