import { describe, expect, it } from 'vitest';
import '../ops/index.ts';
import { gather, matmul, mean, mul, sub, sum } from '../ops/api.ts';
import { trace, type Graph } from '../ir/graph.ts';
import { ReferenceBackend } from '../backend/reference.ts';
import { Philox } from '../rng/philox.ts';
import { Tensor } from '../tensor.ts';
import { adam } from './adam.ts';
import { adagrad } from './adagrad.ts';
import { sgd } from './sgd.ts';
import { maxNorm, unitNorm, type Constraint } from './constraints.ts';
import { trainStep } from './train-step.ts';
import { Trainer } from './trainer.ts';
import { SparseTrainer } from './sparse-trainer.ts';
import type { Optimizer } from './optimizer.ts';

const E = 12, D = 3, B = 4;
const backend = new ReferenceBackend();

// A TransE-shaped loss: rows of E gathered by two index inputs, a dense relation matrix.
const loss: Graph = trace('toy', (b) => {
  const table = b.param('E', 'float32', [E, D]);
  const W = b.param('W', 'float32', [D, D]);
  const h = gather(table, b.data('h', 'int32', [B])), t = gather(table, b.data('t', 'int32', [B]));
  const diff = sub(matmul(h, W), t);
  return { loss: mean(sum(mul(diff, diff), -1)) };
});

function init(seed: number): Record<string, Tensor> {
  const rng = new Philox(seed);
  return {
    E: new Tensor('float32', [E, D], Float32Array.from(rng.uniforms(E * D, -1, 1))),
    W: new Tensor('float32', [D, D], Float32Array.from(rng.uniforms(D * D, -1, 1))),
  };
}

function batches(seed: number, n: number, hi = E): { h: Tensor; t: Tensor }[] {
  const rng = new Philox(seed, 9);
  return Array.from({ length: n }, () => ({ h: new Tensor('int32', [B], rng.integers(B, 0, hi)), t: new Tensor('int32', [B], rng.integers(B, 0, hi)) }));
}

async function dense(opt: () => Optimizer, steps: { h: Tensor; t: Tensor }[], constraints = {}): Promise<Record<string, Tensor>> {
  const tr = await Trainer.create(trainStep(loss, { optimizer: opt(), constraints }), backend, init(1));
  for (const s of steps) await tr.run(s);
  return tr.params;
}

async function sparse(opt: () => Optimizer, semantics: 'lazy' | 'dense', steps: { h: Tensor; t: Tensor }[], constraints = {}, update: 'host' | 'graph' = 'host') {
  const tr = await SparseTrainer.create(loss, backend, init(1), { optimizer: opt(), tables: { E: semantics }, constraints, update });
  for (const s of steps) await tr.run(s);
  return { E: tr.table('E').tensor(), W: tr.params.W! };
}

function maxDiff(a: Tensor, b: Tensor): number {
  return Math.max(...a.toArray().map((v, i) => Math.abs(v - b.data[i]!)));
}

describe('SparseTrainer', () => {
  const steps = batches(3, 6, 6); // ids in 0..5: rows 6..11 are never touched

  it("'dense' semantics equal torch.optim.Adam on the whole table (every row's moments decay)", async () => {
    const want = await dense(() => adam({ lr: 0.05 }), steps, { E: unitNorm() });
    const got = await sparse(() => adam({ lr: 0.05 }), 'dense', steps, { E: unitNorm() });
    expect(maxDiff(got.E, want.E!)).toBeLessThan(1e-6);
    expect(maxDiff(got.W, want.W!)).toBeLessThan(1e-6);
  });

  it("'lazy' semantics leave untouched rows alone and match dense on rows touched every step", async () => {
    const start = init(1).E!;
    const got = await sparse(() => adam({ lr: 0.05 }), 'lazy', steps);
    for (let r = 6; r < E; r++) for (let j = 0; j < D; j++) expect(got.E.data[r * D + j]).toBe(start.data[r * D + j]);
    const all = [{ h: new Tensor('int32', [B], Int32Array.of(0, 1, 2, 3)), t: new Tensor('int32', [B], Int32Array.of(4, 5, 6, 7)) }];
    const lazyAll = await sparse(() => adam({ lr: 0.05 }), 'lazy', [all[0]!, all[0]!]);
    const denseAll = await sparse(() => adam({ lr: 0.05 }), 'dense', [all[0]!, all[0]!]);
    for (let r = 0; r < 8; r++) for (let j = 0; j < D; j++) expect(lazyAll.E.data[r * D + j]).toBeCloseTo(denseAll.E.data[r * D + j]!, 6);
  });

  it('merges duplicate ids before the update (gradients of a repeated row add)', async () => {
    const dup = [{ h: new Tensor('int32', [B], Int32Array.of(2, 2, 2, 5)), t: new Tensor('int32', [B], Int32Array.of(5, 2, 0, 0)) }];
    const want = await dense(() => adagrad({ lr: 0.1 }), dup);
    const got = await sparse(() => adagrad({ lr: 0.1 }), 'lazy', dup);
    expect(maxDiff(got.E, want.E!)).toBeLessThan(1e-6);
  });

  it('a table smaller than a batch holds every row at once (the step is capped at its rows)', async () => {
    const small = trace('small', (b) => {
      const table = b.param('E', 'float32', [3, D]);
      const diff = sub(gather(table, b.data('h', 'int32', [B])), gather(table, b.data('t', 'int32', [B])));
      return { loss: mean(sum(mul(diff, diff), -1)) };
    });
    const start = { E: new Tensor('float32', [3, D], Float32Array.from(new Philox(2).uniforms(3 * D, -1, 1))) };
    const batch = { h: new Tensor('int32', [B], Int32Array.of(0, 1, 2, 0)), t: new Tensor('int32', [B], Int32Array.of(2, 2, 1, 1)) };
    const want = await Trainer.create(trainStep(small, { optimizer: adam({ lr: 0.1 }) }), backend, start);
    const got = await SparseTrainer.create(small, backend, start, { optimizer: adam({ lr: 0.1 }), tables: { E: 'lazy' } });
    for (let k = 0; k < 3; k++) { await want.run(batch); await got.run(batch); }
    expect(maxDiff(got.table('E').tensor(), want.params.E!)).toBeLessThan(1e-6);
  });

  it('runs each step at the smallest row tier that holds it, with the same result as one full cap', async () => {
    const run = async (tiers: number) => {
      const tr = await SparseTrainer.create(loss, backend, init(1), { optimizer: adam({ lr: 0.05 }), tables: { E: 'lazy' }, tiers });
      // 2, 5 and 8 distinct rows of a cap of 8: tiers of 2 rows compile caps 2, 6 and 8.
      for (const [h, t] of [[[0, 0, 1, 1], [1, 0, 0, 1]], [[0, 1, 2, 3], [4, 4, 0, 1]], [[0, 1, 2, 3], [4, 5, 6, 7]]]) {
        await tr.run({ h: new Tensor('int32', [B], Int32Array.from(h!)), t: new Tensor('int32', [B], Int32Array.from(t!)) });
      }
      return { E: tr.table('E').tensor(), W: tr.params.W!, compiled: (tr as unknown as { exes: Map<string, unknown> }).exes.size };
    };
    const one = await run(1), four = await run(4);
    expect(Array.from(four.E.data)).toEqual(Array.from(one.E.data));
    expect(Array.from(four.W.data)).toEqual(Array.from(one.W.data));
    expect([one.compiled, four.compiled]).toEqual([1, 3]);
    await expect(SparseTrainer.create(loss, backend, init(1), { optimizer: adam(), tables: { E: 'lazy' }, tiers: 0 })).rejects.toThrow(/tiers must be a positive integer, got 0/);
  });

  it('Adagrad is the same under lazy and dense semantics', async () => {
    const a = await sparse(() => adagrad({ lr: 0.1 }), 'lazy', steps, {}, 'graph');
    const b = await sparse(() => adagrad({ lr: 0.1 }), 'dense', steps);
    expect(maxDiff(a.E, b.E)).toBe(0);
  });

  it("host row updates equal the traced optimizer and constraint ('graph'), for every rule", async () => {
    const cases: [string, () => Optimizer, Record<string, Constraint>][] = [
      ['adam', () => adam({ lr: 0.05 }), { E: unitNorm() }],
      ['adam, coupled decay', () => adam({ lr: 0.05, weightDecay: 0.1 }), { E: maxNorm(0.8) }],
      ['adamw', () => adam({ lr: 0.05, weightDecay: 0.1, decoupled: true }), {}],
      ['adagrad', () => adagrad({ lr: 0.1, weightDecay: 0.01 }), { E: maxNorm(0.5) }],
      ['sgd', () => sgd({ lr: 0.1 }), {}],
      ['sgd, momentum', () => sgd({ lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }), { E: unitNorm() }],
      ['sgd, nesterov', () => sgd({ lr: 0.1, momentum: 0.9, nesterov: true }), {}],
    ];
    for (const [what, opt, constraints] of cases) {
      const host = await sparse(opt, 'lazy', steps, constraints, 'host');
      const graph = await sparse(opt, 'lazy', steps, constraints, 'graph');
      expect(maxDiff(host.E, graph.E), what).toBeLessThan(2e-6);
      expect(maxDiff(host.W, graph.W), what).toBeLessThan(2e-6);
      expect(maxDiff(host.E, init(1).E!), what).toBeGreaterThan(1e-3);
    }
  });

  it('a host-updated table feeds only its rows: no optimizer state enters the step', async () => {
    const names = async (constraints: Record<string, Constraint>, update?: 'host' | 'graph') => {
      const tr = await SparseTrainer.create(loss, backend, init(1), { optimizer: adam(), tables: { E: 'lazy' }, constraints, update });
      return [tr.step.graph.feeds.map((i) => i.name).filter((n) => n.startsWith('E')), tr.step.gradsOut];
    };
    expect(await names({ E: unitNorm() })).toEqual([['E'], ['E']]);
    expect(await names({ E: unitNorm() }, 'graph')).toEqual([['E', 'E.m', 'E.v'], []]);
    // A projection without a row form (a custom one, or unitNorm over another axis) keeps the update in the graph.
    expect(await names({ E: (p) => p })).toEqual([['E', 'E.m', 'E.v'], []]);
    expect(await names({ E: unitNorm(0) })).toEqual([['E', 'E.m', 'E.v'], []]);
    await expect(SparseTrainer.create(loss, backend, init(1), { optimizer: adam(), tables: { E: 'lazy' }, update: 'device' as never })).rejects.toThrow(/update must be 'host' or 'graph'/);
  });

  it('a step that fails leaves the tables and the step count as they were, and the next step runs clean', async () => {
    let broken = true; // the schedule gives NaN once
    const lr = (t: number): number => (t === 2 && broken ? ((broken = false), NaN) : 0.05);
    const tr = await SparseTrainer.create(loss, backend, init(1), { optimizer: adam({ lr }), tables: { E: 'lazy' } });
    await tr.run(steps[0]!);
    const before = tr.table('E').data.slice();
    await expect(tr.run(steps[1]!)).rejects.toThrow(/hyper 'alpha' must be a finite number, got NaN/);
    await expect(tr.run({ h: steps[1]!.h, t: new Tensor('int32', [B], Int32Array.of(0, 1, 2, 99)) })).rejects.toThrow(/holds id 99/);
    expect(tr.t).toBe(1);
    expect(Array.from(tr.table('E').data)).toEqual(Array.from(before));
    // Had a failed step left rows marked, this step would read wrong rows; it must equal a fresh trainer's.
    const fresh = await SparseTrainer.create(loss, backend, init(1), { optimizer: adam({ lr: 0.05 }), tables: { E: 'lazy' } });
    await fresh.run(steps[0]!);
    await tr.run(steps[2]!);
    await fresh.run(steps[2]!);
    expect(Array.from(tr.table('E').data)).toEqual(Array.from(fresh.table('E').data));
  });

  it('rejects tables it cannot make row-sparse, and out-of-range ids', async () => {
    await expect(SparseTrainer.create(loss, backend, init(1), { optimizer: adam(), tables: { W: 'lazy' } })).rejects.toThrow(/'W' is used by matmul/);
    const tr = await SparseTrainer.create(loss, backend, init(1), { optimizer: adam(), tables: { E: 'lazy' } });
    await expect(tr.run({ h: new Tensor('int32', [B], Int32Array.of(0, 1, 2, 12)), t: steps[0]!.t })).rejects.toThrow(/'h' holds id 12, outside \[0, 12\)/);
    await expect(SparseTrainer.create(loss, backend, init(1), { optimizer: adam(), tables: { E: 'eager' as never } })).rejects.toThrow(/must be 'lazy' or 'dense'/);
  });
});
