// Row gather/scatter for sparse train steps: every engine moves the same spans as a plain loop does,
// and bad arguments are named before any memory is touched.
import { describe, expect, it } from 'vitest';
import { Philox } from '@repkit/core';
import { kernels, kernelsInfo, type EngineName } from './index.ts';

const info = kernelsInfo();
const engines: EngineName[] = ['native', 'wasm', 'typescript'];

describe.each(engines)('%s row moves', (name) => {
  const k = info.engines[name].available ? kernels(name) : undefined;
  if (!k) it.skip(`${name} skipped: ${info.engines[name].reason}`, () => {});

  it.skipIf(!k)('gather and scatter copy one span per listed row, repeats and views included', () => {
    const r = new Philox(5);
    for (let trial = 0; trial < 50; trial++) {
      const rows = r.integer(1, 40), width = r.integer(1, 9), slots = r.integer(1, 4), stride = width * slots + r.integer(0, 3);
      const table = Float32Array.from({ length: rows * stride }, () => r.normal());
      const n = r.integer(0, 30), ids = Int32Array.from({ length: n + 2 }, () => r.integer(0, rows));
      const offset = width * r.integer(0, slots);
      const out = new Float32Array(n * width + 5).fill(7);
      k!.gatherRows(table, stride, ids, n, offset, width, out);
      for (let i = 0; i < n; i++) expect(Array.from(out.subarray(i * width, (i + 1) * width))).toEqual(Array.from(table.subarray(ids[i]! * stride + offset, ids[i]! * stride + offset + width)));
      expect(Array.from(out.subarray(n * width))).toEqual([7, 7, 7, 7, 7]);
      const from = Float32Array.from({ length: n * width }, () => r.normal());
      const want = table.slice();
      for (let i = 0; i < n; i++) want.set(from.subarray(i * width, (i + 1) * width), ids[i]! * stride + offset);
      const backing = new Float32Array(table.length + 8);
      const view = backing.subarray(3, 3 + table.length);
      view.set(table);
      k!.scatterRows(view, stride, ids, n, offset, width, from);
      expect(Array.from(view)).toEqual(Array.from(want));
    }
  });

  it.skipIf(!k)('names the argument that is wrong', () => {
    const table = new Float32Array(12), out = new Float32Array(8);
    expect(() => k!.gatherRows(table, 5, Int32Array.of(0), 1, 0, 2, out)).toThrow(/stride 5 must divide the table's 12 floats/);
    expect(() => k!.gatherRows(table, 4, Int32Array.of(0, 3), 2, 0, 2, out)).toThrow(/ids\[1\] = 3 is outside \[0, 3\)/);
    expect(() => k!.gatherRows(table, 4, Int32Array.of(0), 1, 3, 2, out)).toThrow(/offset 3 \+ width 2 must fit in a row of 4 floats/);
    expect(() => k!.gatherRows(table, 4, Int32Array.of(0, 1), 3, 0, 2, out)).toThrow(/n must be an integer in \[0, ids.length = 2\]/);
    expect(() => k!.scatterRows(table, 4, Int32Array.of(0, 1), 2, 0, 2, new Float32Array(3))).toThrow(/from holds 3 floats; 2 rows of 2 need 4/);
    expect(() => k!.gatherRows(new Float64Array(4) as never, 4, Int32Array.of(0), 1, 0, 2, out)).toThrow(/table must be a Float32Array/);
  });
});

describe('SparseTrainer with kernel row moves', () => {
  it('trains to the same bytes as the default copier, on every engine here', async () => {
    const { ReferenceBackend, SparseTrainer, Tensor, adam, gather, mean, mul, sub, sum, trace } = await import('@repkit/core');
    const E = 20, D = 3, B = 5;
    const loss = trace('toy', (b) => {
      const table = b.param('E', 'float32', [E, D]);
      const diff = sub(gather(table, b.data('h', 'int32', [B])), gather(table, b.data('t', 'int32', [B])));
      return { loss: mean(sum(mul(diff, diff), -1)) };
    });
    const run = async (rows?: Parameters<typeof SparseTrainer.create>[3]['rows']) => {
      const r = new Philox(4);
      const init = { E: new Tensor('float32', [E, D], Float32Array.from(r.uniforms(E * D, -1, 1))) };
      const tr = await SparseTrainer.create(loss, new ReferenceBackend(), init, { optimizer: adam({ lr: 0.1 }), tables: { E: 'lazy' }, rows });
      for (let s = 0; s < 5; s++) await tr.run({ h: new Tensor('int32', [B], r.integers(B, 0, E)), t: new Tensor('int32', [B], r.integers(B, 0, E)) });
      return tr.table('E').data;
    };
    const want = await run();
    for (const name of engines) if (info.engines[name].available) expect(Array.from(await run(kernels(name)))).toEqual(Array.from(want));
  });
});
