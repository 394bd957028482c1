import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, toBinary } from '@bufbuild/protobuf';
import { TensorProtoSchema } from 'onnx-buf';
import { Tensor } from '@repkit/core';
import { decodeTensor, encodeTensor, readTestDataSet, writeTensorFiles, writeTestDataSet } from './test-data.ts';
import { int64Tensor } from './import/testing.ts';

const tensors = [
  new Tensor('float32', [2, 3], Float32Array.of(1.5, -2, 0, -0, Infinity, NaN)),
  new Tensor('float64', [2], Float64Array.of(Math.PI, -1e-300)),
  new Tensor('int32', [3], Int32Array.of(-2147483648, 0, 2147483647)),
  new Tensor('bool', [2, 2], Uint8Array.of(1, 0, 0, 1)),
  new Tensor('float32', [], Float32Array.of(7)),
  new Tensor('float32', [0, 4]),
];

describe('TensorProto files', () => {
  it('encode → decode keeps name, dtype, shape and every bit', () => {
    for (const t of tensors) {
      const back = decodeTensor(encodeTensor('x', t));
      expect([back.name, back.tensor.dtype, back.tensor.shape]).toEqual(['x', t.dtype, t.shape]);
      expect(new Uint8Array(back.tensor.data.buffer)).toEqual(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
  });

  it('reads int64 (int64_data and raw_data) as int32 and names a value that does not fit', () => {
    expect(decodeTensor(toBinary(TensorProtoSchema, int64Tensor('ids', [3n, -4n], [1, 2]))).tensor).toEqual(new Tensor('int32', [1, 2], Int32Array.of(3, -4)));
    const raw = new Uint8Array(BigInt64Array.of(5n, 1n << 33n).buffer);
    const p = toBinary(TensorProtoSchema, create(TensorProtoSchema, { dataType: 7, dims: [2n], rawData: raw }));
    expect(() => decodeTensor(p, "'out.pb'")).toThrow(/'out.pb': element 1 = 8589934592 does not fit int32/);
    expect(() => decodeTensor(new Uint8Array([255, 255, 255]), "'bad.pb'")).toThrow(/'bad.pb': not a serialized TensorProto/);
  });
});

describe('test data sets (input_K.pb / output_K.pb)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'repkit-testdata-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes and reads back a set in order, leaving no temporary file', async () => {
    const set = { inputs: tensors.slice(0, 3).map((t, k) => ({ name: `in${k}`, tensor: t })), outputs: [{ name: 'y', tensor: tensors[3]! }] };
    await writeTestDataSet(dir, set);
    expect((await readdir(dir)).sort()).toEqual(['input_0.pb', 'input_1.pb', 'input_2.pb', 'output_0.pb']);
    const back = await readTestDataSet(dir);
    expect(back.inputs.map((x) => x.name)).toEqual(['in0', 'in1', 'in2']);
    expect(back.outputs[0]!.tensor).toEqual(tensors[3]);
  });

  it('replacing a longer set removes its extra files', async () => {
    await writeTensorFiles(dir, 'input', [{ name: 'only', tensor: tensors[0]! }]);
    expect((await readdir(dir)).sort()).toEqual(['input_0.pb', 'output_0.pb']);
  });

  it('errors name the folder and the missing or bad file', async () => {
    await expect(readTestDataSet(join(dir, 'nope'))).rejects.toThrow(/nope': cannot list the folder \(ENOENT\)/);
    await writeFile(join(dir, 'input_2.pb'), encodeTensor('z', tensors[0]!));
    await expect(readTestDataSet(dir)).rejects.toThrow(/input_1.pb is missing \(found input_0.pb, input_2.pb\)/);
    await rm(join(dir, 'input_2.pb'));
    await writeFile(join(dir, 'output_0.pb'), 'not a tensor');
    await expect(readTestDataSet(dir)).rejects.toThrow(/output_0.pb': not a serialized TensorProto/);
    await expect(writeTensorFiles(join(dir, 'missing'), 'output', [{ name: 'y', tensor: tensors[0]! }])).rejects.toThrow(/could not write output_K.pb files into '.*missing'/);
    const empty = await mkdtemp(join(tmpdir(), 'repkit-empty-'));
    await expect(readTestDataSet(empty)).rejects.toThrow(/no input_0.pb/);
    await rm(empty, { recursive: true });
  });
});
