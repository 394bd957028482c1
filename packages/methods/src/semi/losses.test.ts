import { describe, expect, it } from 'vitest';
import { ReferenceBackend, add, mul, tensor, trace, mixup, sharpen, type GraphBuilder, type Tensor, type Value } from '@repkit/core';
import { distillationLoss, fixmatchUnlabelledLoss, meanEntropy, meanTeacherConsistency, mixmatchLosses } from './losses.ts';

const mat = (rows: number[][]): Tensor => tensor(rows.flat(), [rows.length, rows[0]!.length], 'float64');
const f64 = (b: GraphBuilder, name: string, t: Tensor): Value => b.data(name, t.dtype, t.shape);

async function run(build: (b: GraphBuilder) => Record<string, Value>, feeds: Record<string, Tensor>): Promise<Record<string, number[]>> {
  const exe = await new ReferenceBackend().compile(trace('t', build));
  const out = await exe.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.toArray()]));
}

/** Relative 1e-9 against a 10-significant-digit test vector of ssl-semi.md §7. */
function near(got: readonly number[], want: readonly number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `entry ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(want[i]!), 1e-3)));
}

describe('semi-supervised losses: ssl-semi.md §7 test vectors (float64 reference)', () => {
  it('#7 FixMatch L_u: mask, pseudo-labels, loss divided by all rows', async () => {
    const weak = mat([[5, 0, 0], [1, 1, 0], [0, 0, 4], [0, 6, 1]]), strong = mat([[2, 1, 0], [0, 2, 1], [1, 0, 0], [0, 1, 2]]);
    const r = await run((b) => {
      const f = fixmatchUnlabelledLoss(f64(b, 'w', weak), f64(b, 's', strong), 0.95);
      return { loss: f.loss, mask: f.mask, pseudo: f.pseudo };
    }, { w: weak, s: strong });
    expect(r.mask).toEqual([1, 0, 1, 1]);
    expect(r.pseudo).toEqual([0, 0, 2, 1]);
    near(r.loss!, [0.8416641607]);
  });

  it('#9 MixMatch: L_X, L_U and the ramped total', async () => {
    // Labelled targets mixed with their partners, guesses with theirs, all at λ = 0.3 → λ′ = 0.7.
    const feeds = {
      px: mat([[1, 0, 0], [0, 1, 0]]), ppx: mat([[0, 0, 1], [0.7, 0.2, 0.1]]),
      pu: mat([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]), ppu: mat([[0, 1, 0], [0.1, 0.1, 0.8]]),
      zx: mat([[2, 0, 1], [0, 1, 0]]), zu: mat([[1, 0, 0], [0, 0, 2]]), lam: tensor([0.3], [], 'float64'),
    };
    const r = await run((b) => {
      const v = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, f64(b, k, t)]));
      const m = mixmatchLosses(v.zx!, mixup(v.px!, v.ppx!, v.lam!), v.zu!, mixup(v.pu!, v.ppu!, v.lam!));
      return { lx: m.lx, lu: m.lu, total: add(m.lx, mul(m.lu, 75 * 0.5)) };
    }, feeds);
    near(r.lx!, [0.7495253392]);
    near(r.lu!, [0.01330470357]);
    near(r.total!, [1.248451723]);
  });

  it('#10 entropy minimisation: the mean entropy of three rows', async () => {
    const z = mat([[2, 0, 1], [0, 0, 0], [5, -5, 0]]);
    near((await run((b) => ({ h: meanEntropy(f64(b, 'z', z)) }), { z })).h!, [0.6572273334]);
  });

  it('#11 knowledge distillation at T = 4, α = 0.9', async () => {
    const zs = mat([[2, 1, 0], [0, 3, 1]]), zt = mat([[3, 0, 1], [1, 2, 0]]), y = tensor([0, 1], [2], 'int32');
    const r = await run((b) => {
      const d = distillationLoss(f64(b, 'zs', zs), f64(b, 'zt', zt), f64(b, 'y', y), 4, 0.9);
      return { kl: d.kl, softCE: d.softCE, hardCE: d.hardCE, loss: d.loss };
    }, { zs, zt, y });
    near(r.kl!, [0.0248190157]);
    near(r.softCE!, [1.08793403]);
    near(r.hardCE!, [0.288725992]);
    near(r.loss!, [0.3862664252]);
  });

  it('#12 Mean Teacher consistency', async () => {
    const s = mat([[1, 0, 0], [0, 2, 0]]), t = mat([[2, 0, 0], [0, 1, 1]]);
    near((await run((b) => ({ j: meanTeacherConsistency(f64(b, 's', s), f64(b, 't', t)) }), { s, t })).j!, [0.05030080981]);
  });

  it('rejects thresholds outside (0, 1) and non-positive temperatures, naming them', () => {
    const z = mat([[1, 0]]);
    const at = (f: (b: GraphBuilder) => unknown) => () => trace('t', (b) => (f(b), { z: f64(b, 'z', z) }));
    expect(at((b) => fixmatchUnlabelledLoss(f64(b, 'a', z), f64(b, 'c', z), 1))).toThrow(/threshold tau must be a probability threshold in \(0, 1\), got 1/);
    expect(at((b) => fixmatchUnlabelledLoss(f64(b, 'a', z), f64(b, 'c', z), 0))).toThrow(/got 0/);
    expect(at((b) => distillationLoss(f64(b, 'a', z), f64(b, 'c', z), b.data('y', 'int32', [1]), 0, 0.5))).toThrow(/temperature T must be a positive temperature, got 0/);
    expect(at((b) => sharpen(f64(b, 'a', z), -1))).toThrow(/temperature T must be positive/);
  });
});

