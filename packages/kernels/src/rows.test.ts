// Row gather/scatter and in-place row updates for sparse train steps: every engine moves the same spans
// as a plain loop does and computes the same floats as core's row rules, and bad arguments are named
// before any memory is touched.
import { describe, expect, it } from 'vitest';
import { Philox, jsRows, type RowRule } from '@repkit/core';
import { kernels, kernelsInfo, type EngineName } from './index.ts';
import { loadNative } from './native.ts';

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

describe('native addon, called without the TypeScript checks', () => {
  const raw = loadNative().engine;
  it.skipIf(!raw)('refuses a span that wraps 32 bits and counts that are not whole numbers, before touching memory', () => {
    const table = new Float32Array(8), out = new Float32Array(4), ids = Int32Array.of(0);
    // offset + width = 2^32 + 1 wraps to 1 in u32 arithmetic, which would pass a 32-bit check and read far past the table.
    expect(() => raw!.gatherRows(table, 4, ids, 1, 4294967295, 2, out)).toThrow(/argument 'width' runs past the row stride/);
    expect(() => raw!.scatterRows(table, 4, ids, 1, 4294967295, 2, out)).toThrow(/argument 'width' runs past the row stride/);
    expect(() => raw!.gatherRows(table, 4, ids, -1, 0, 2, out)).toThrow(/argument 'n' must be a whole number in \[0, 2\^32\)/);
    expect(() => raw!.gatherRows(table, 4.5, ids, 1, 0, 2, out)).toThrow(/argument 'stride' must be a whole number/);
    expect(() => raw!.gatherRows(table, 4, Int32Array.of(2), 1, 0, 2, out)).toThrow(/argument 'ids' holds a row outside the table/);
    expect(Array.from(out)).toEqual([0, 0, 0, 0]);
    raw!.gatherRows(Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8), 4, Int32Array.of(1), 1, 1, 2, out);
    expect(Array.from(out)).toEqual([6, 7, 0, 0]);
  });
});

const rules: RowRule[] = [
  { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false },
  { kind: 'adam', beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1, decoupled: false },
  { kind: 'adam', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled: true },
  { kind: 'adagrad', eps: 1e-10, weightDecay: 0.01 },
  { kind: 'sgd', momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
  { kind: 'sgd', momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 0.01 },
  { kind: 'sgd', momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0 },
];
const hyper = { alpha: 0.0123, c2: 0.0447, lr: 0.01 };

describe.each(engines)('%s row updates', (name) => {
  const k = info.engines[name].available ? kernels(name) : undefined;
  if (!k) it.skip(`${name} skipped: ${info.engines[name].reason}`, () => {});

  it.skipIf(!k)("every optimizer rule and projection gives core's floats, bit for bit, on the listed rows only", () => {
    const r = new Philox(8);
    for (const rule of rules) {
      for (let trial = 0; trial < 10; trial++) {
        const rows = r.integer(2, 30), width = 2 * r.integer(1, 6), stride = 3 * width + r.integer(0, 3);
        const table = Float32Array.from({ length: rows * stride }, () => r.normal());
        for (let i = 0; i < table.length; i++) if (i % stride >= width) table[i] = Math.abs(table[i]!); // second moments ≥ 0
        const n = r.integer(0, rows), ids = Int32Array.from(r.permutation(rows).subarray(0, n));
        const grad = Float32Array.from({ length: n * width }, () => r.normal());
        const want = table.slice(), got = table.slice();
        for (const project of [undefined, { constraint: { kind: 'unitNorm' }, segment: width / 2 }, { constraint: { kind: 'maxNorm', max: 0.9 }, segment: width }] as const) {
          jsRows.updateRows(rule, hyper, want, stride, ids, n, width, grad, project);
          k!.updateRows(rule, hyper, got, stride, ids, n, width, grad, project);
          expect(Array.from(got), `${rule.kind} ${project?.constraint.kind}`).toEqual(Array.from(want));
        }
        const touched = new Set(ids);
        for (let row = 0; row < rows; row++) {
          if (touched.has(row)) continue;
          expect(Array.from(got.subarray(row * stride, (row + 1) * stride))).toEqual(Array.from(table.subarray(row * stride, (row + 1) * stride)));
        }
      }
    }
  });

  it.skipIf(!k)('a row step is the optimizer formula: Adam from zero state moves each value by about lr', () => {
    const table = Float32Array.of(1, -2, 0, 0, 0, 0), grad = Float32Array.of(0.5, -3);
    // Step 1: α = lr / (1 − β1), c2 = √(1 − β2), so the step is lr · sign(g) up to ε.
    const step1 = { alpha: 0.1 / 0.1, c2: Math.sqrt(0.001), lr: 0.1 };
    k!.updateRows(rules[0]!, step1, table, 6, Int32Array.of(0), 1, 2, grad);
    expect(table[0]).toBeCloseTo(0.9, 6);
    expect(table[1]).toBeCloseTo(-1.9, 6);
    expect(table[2]).toBeCloseTo(0.05, 7);
    expect(table[5]).toBeCloseTo(0.009, 7);
    k!.updateRows(rules[4]!, { lr: 0 }, table, 6, Int32Array.of(0), 1, 2, grad, { constraint: { kind: 'unitNorm' }, segment: 2 });
    expect(Math.hypot(table[0]!, table[1]!)).toBeCloseTo(1, 6);
    const small = table[0]!; // 0.43: under the clamp; |−0.90| is over it
    k!.updateRows(rules[4]!, { lr: 0 }, table, 6, Int32Array.of(0), 1, 2, grad, { constraint: { kind: 'maxNorm', max: 0.5 }, segment: 1 });
    expect(table[0]).toBe(small);
    expect(table[1]).toBeCloseTo(-0.5, 7);
  });

  it.skipIf(!k)('names the argument that is wrong', () => {
    const table = new Float32Array(12), grad = new Float32Array(4);
    expect(() => k!.updateRows(rules[0]!, hyper, table, 4, Int32Array.of(0), 1, 2, grad)).toThrow(/adam row holds the parameter and 2 slot\(s\): 3 × width 2 must fit in a row of 4 floats/);
    expect(() => k!.updateRows(rules[3]!, hyper, table, 4, Int32Array.of(0, 1), 2, 2, new Float32Array(3))).toThrow(/grad holds 3 floats; 2 rows of 2 need 4/);
    expect(() => k!.updateRows(rules[3]!, hyper, table, 4, Int32Array.of(5), 1, 2, grad)).toThrow(/ids\[0\] = 5 is outside \[0, 3\)/);
    expect(() => k!.updateRows(rules[0]!, { alpha: 0.1, c2: 0.1 }, new Float32Array(12), 6, Int32Array.of(0), 1, 2, grad)).toThrow(/hyper 'lr' must be a finite number/);
    expect(() => k!.updateRows({ kind: 'sgd', momentum: -0.5, dampening: 0, nesterov: false, weightDecay: 0 }, hyper, table, 4, Int32Array.of(0), 1, 2, grad)).toThrow(/sgd row rule: momentum = -0.5 is out of range/);
    expect(() => k!.updateRows({ kind: 'adagrad', eps: 0, weightDecay: 0 }, hyper, table, 4, Int32Array.of(0), 1, 2, grad)).toThrow(/adagrad row rule: eps = 0 is out of range/);
    expect(() => k!.updateRows(rules[4]!, hyper, table, 4, Int32Array.of(0), 1, 4, grad, { constraint: { kind: 'unitNorm' }, segment: 3 })).toThrow(/project.segment 3 must be a positive integer that divides width 4/);
    expect(() => k!.updateRows(rules[4]!, hyper, table, 4, Int32Array.of(0), 1, 4, grad, { constraint: { kind: 'maxNorm', max: 0 }, segment: 4 })).toThrow(/maxNorm: max must be > 0, got 0/);
  });
});

describe('SparseTrainer with kernel row moves', () => {
  it('trains to the same bytes as core\'s row kernels, on every engine here (host updates included)', async () => {
    const { ReferenceBackend, SparseTrainer, Tensor, adam, gather, mean, mul, sub, sum, trace } = await import('@repkit/core');
    const E = 20, D = 3, B = 5;
    const loss = trace('toy', (b) => {
      const table = b.param('E', 'float32', [E, D]);
      const diff = sub(gather(table, b.data('h', 'int32', [B])), gather(table, b.data('t', 'int32', [B])));
      return { loss: mean(sum(mul(diff, diff), -1)) };
    });
    const run = async (rows?: Parameters<typeof SparseTrainer.create>[3]['rows'], update?: 'host' | 'graph') => {
      const r = new Philox(4);
      const init = { E: new Tensor('float32', [E, D], Float32Array.from(r.uniforms(E * D, -1, 1))) };
      const tr = await SparseTrainer.create(loss, new ReferenceBackend(), init, { optimizer: adam({ lr: 0.1 }), tables: { E: 'lazy' }, rows, update });
      for (let s = 0; s < 5; s++) await tr.run({ h: new Tensor('int32', [B], r.integers(B, 0, E)), t: new Tensor('int32', [B], r.integers(B, 0, E)) });
      return tr.table('E').data;
    };
    const want = await run();
    for (const name of engines) if (info.engines[name].available) expect(Array.from(await run(kernels(name)))).toEqual(Array.from(want));
    expect(Array.from(await run(jsRows, 'graph'))).not.toEqual(Array.from(want));
  });
});
