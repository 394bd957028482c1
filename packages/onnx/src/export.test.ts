import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { add, expand, mul, reshape, scalar, sum, tensor, trace } from '@repkit/core';
import { ONNX_IR_VERSION, ONNX_OPSET, exportOnnx, inspectModel, writeOnnx } from './index.ts';

const model = trace('model', (b) => {
  const x = b.data('x', 'float32', ['batch', 6]);
  const w = b.param('w', 'float32', [6]);
  const h = reshape(add(mul(x, w), b.constant('shift', tensor([0.5]))), ['batch', 2, 3]);
  return { y: h, s: sum(h, [1, 2]) };
});

describe('exportOnnx', () => {
  const m = inspectModel(exportOnnx(model, { producer: 'test', docString: 'doc' }));

  it('writes opset 17, IR version 8 and the producer', () => {
    expect([m.opset, m.irVersion, ONNX_OPSET, ONNX_IR_VERSION]).toEqual([17, 8, 17, 8]);
    expect([m.producer, m.graphName]).toEqual(['test', 'model']);
  });

  it('keeps input and output names, with symbolic dims as dim_param', () => {
    expect(m.inputs).toEqual([
      { name: 'x', dtype: 'float32', shape: ['batch', 6] },
      { name: 'w', dtype: 'float32', shape: [6] },
    ]);
    expect(m.outputs).toEqual([
      { name: 'y', dtype: 'float32', shape: ['batch', 2, 3] },
      { name: 's', dtype: 'float32', shape: ['batch'] },
    ]);
  });

  it('makes const inputs initializers and names internal values v<id>', () => {
    expect(m.initializers.find((i) => i.name === 'shift')).toEqual({ name: 'shift', dtype: 'float32', shape: [1] });
    expect(m.nodes.find((n) => n.opType === 'Mul')!.outputs[0]).toMatch(/^v\d+$/);
    expect(m.nodes.find((n) => n.opType === 'Reshape')!.outputs).toEqual(['y']);
  });

  it('reads a symbolic dim at run time: Shape(start, end) → Concat', () => {
    const shape = m.nodes.find((n) => n.opType === 'Shape')!;
    expect(shape.inputs).toEqual(['x']);
    expect(shape.attrs).toEqual({ start: 0, end: 1 });
    const concat = m.nodes.find((n) => n.opType === 'Concat')!;
    expect(concat.inputs[0]).toBe(shape.outputs[0]);
    expect(m.nodes.find((n) => n.opType === 'Reshape')!.inputs[1]).toBe(concat.outputs[0]);
  });

  it('bakes parameters named in `initializers`, converting floats to the declared dtype', () => {
    const w = new Float64Array([1, 2, 3, 4, 5, 6]);
    const baked = inspectModel(exportOnnx(model, { initializers: { w: tensor(w, [6], 'float64') } }));
    expect(baked.inputs.map((i) => i.name)).toEqual(['x']);
    expect(baked.initializers.find((i) => i.name === 'w')).toEqual({ name: 'w', dtype: 'float32', shape: [6] });
  });

  it('adds Identity nodes for an output that is an input and for a value under two names', () => {
    const g = trace('alias', (b) => {
      const x = b.data('x', 'float32', [2]);
      const y = add(x, 1);
      return { same: x, copy: x, y, y2: y };
    });
    const a = inspectModel(exportOnnx(g));
    const ids = a.nodes.filter((n) => n.opType === 'Identity').map((n) => `${n.inputs[0]}→${n.outputs[0]}`);
    expect(ids).toEqual(['x→same', 'x→copy', 'y→y2']);
  });

  it('returns an input under its own name without a node', () => {
    const g = trace('pass', (b) => ({ x: b.data('x', 'int32', [3]) }));
    const a = inspectModel(exportOnnx(g));
    expect([a.inputs[0]!.name, a.outputs[0]!.name, a.nodes.length]).toEqual(['x', 'x', 0]);
  });

  it('avoids internal names that collide with input names', () => {
    const g = trace('clash', (b) => {
      const v1 = b.data('v1', 'float32', [2]);
      return { out: mul(add(v1, 1), 2) };
    });
    const names = inspectModel(exportOnnx(g)).nodes.flatMap((n) => n.outputs);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain('v1');
  });

  it('names the argument and the fix in its errors', () => {
    expect(() => exportOnnx(model, { initializers: { nope: scalar(1) } })).toThrow(/initializers\['nope'\] is not a fed input .*fed inputs: x, w/);
    expect(() => exportOnnx(model, { initializers: { w: tensor([1, 2]) } })).toThrow(/initializers\['w'\] is float32\[2\], graph 'model' expects float32\[6\]/);
    expect(() => exportOnnx(model, { initializers: { w: tensor([1, 2, 3, 4, 5, NaN]) } })).toThrow(/element 5 is NaN; weights must be finite/);
    expect(() => exportOnnx(model, { initializers: { x: tensor([1, 2, 3, 4, 5, 6], [1, 6]) } })).toThrow(/static shapes can be baked in/);
    const free = trace('free', (b) => ({ y: expand(b.data('x', 'float32', [1, 3]), ['n', 3]) }));
    expect(() => exportOnnx(free)).toThrow(/node 0 \(expand\): symbolic dim 'n' is not a dim of any fed graph input/);
  });
});

describe('writeOnnx', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the bytes under the final name and leaves no temporary file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'repkit-onnx-'));
    const bytes = exportOnnx(model);
    await writeOnnx(join(dir, 'model.onnx'), bytes);
    await writeOnnx(join(dir, 'model.onnx'), bytes); // replaces atomically
    expect(new Uint8Array(await readFile(join(dir, 'model.onnx')))).toEqual(bytes);
    expect(await readdir(dir)).toEqual(['model.onnx']);
  });

  it('fails naming the path, without leaving anything behind', async () => {
    await expect(writeOnnx(join(dir, 'missing', 'm.onnx'), exportOnnx(model))).rejects.toThrow(/could not write '.*missing\/m\.onnx'/);
    await expect(writeOnnx(join(dir, 'e.onnx'), new Uint8Array())).rejects.toThrow(/non-empty Uint8Array/);
    expect(await readdir(dir)).toEqual(['model.onnx']);
  });
});
