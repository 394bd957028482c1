import { describe, expect, it } from 'vitest';
import '../ops/index.ts';
import { trace, type GraphBuilder, type Value } from '../ir/graph.ts';
import { interpret } from '../backend/reference.ts';
import { grad } from '../autodiff/grad.ts';
import { Philox } from '../rng/philox.ts';
import { Tensor, tensor } from '../tensor.ts';
import { gradCheck } from '../testing/gradcheck.ts';
import { randomTensor } from '../testing/random.ts';
import { mul, sum } from './prims.ts';
import { emaUpdate, entropyFromLogits, gumbelSoftmax, mixup, sharpen, softCrossEntropy } from './soft-targets.ts';

const f64 = (b: GraphBuilder, name: string, t: Tensor): Value => b.data(name, 'float64', t.shape);
const mat = (rows: number[][]): Tensor => tensor(rows.flat(), [rows.length, rows[0]!.length], 'float64');

function run(build: (b: GraphBuilder) => Record<string, Value>, feeds: Record<string, Tensor> = {}): Record<string, number[]> {
  const r = interpret(trace('t', build), feeds);
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.toArray()]));
}

/** Relative 1e-9 against a 10-significant-digit test vector of ssl-semi.md §7. */
function near(got: readonly number[], want: readonly number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `entry ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(want[i]!), 1e-3)));
}

describe('ssl-semi.md §7 test vectors (float64 reference)', () => {
  it('#4 Gumbel-softmax: soft samples at τ = 2 and 0.5, hard indices and the straight-through code', () => {
    const logits = mat([[1, 2, 0.5, -1], [0, 0.3, 0.2, 0.1]]), u = mat([[0.1, 0.5, 0.9, 0.3], [0.7, 0.2, 0.4, 0.95]]);
    const at = (tau: number) => run((b) => {
      const g = gumbelSoftmax(f64(b, 'z', logits), f64(b, 'u', u), tau);
      return { soft: g.soft, hard: g.hard, index: g.index };
    }, { z: logits, u });
    const t2 = at(2), t05 = at(0.5);
    near(t2.soft!, [0.1226313284, 0.3685053418, 0.446474555, 0.06238877478, 0.1996548479, 0.1092001461, 0.137666719, 0.5534782871]);
    near(t05.soft!, [0.003871309375, 0.3156656302, 0.6802037153, 0.000259345057, 0.01656339289, 0.001482254376, 0.003744085107, 0.9782102676]);
    expect(t2.index).toEqual([2, 3]);
    near(t2.hard!, [0, 0, 1, 0, 0, 0, 0, 1]);
    // Codebooks e[g, v, :] = (8g + 2v, 8g + 2v + 1)/10: the concatenated hard code of the test vector.
    const code = t2.index!.flatMap((v, g) => [(8 * g + 2 * v) / 10, (8 * g + 2 * v + 1) / 10]);
    near(code, [0.4, 0.5, 1.4, 1.5]);
  });

  it('#4 straight-through: the hard sample carries the soft sample’s gradient', () => {
    const logits = mat([[1, 2, 0.5, -1], [0, 0.3, 0.2, 0.1]]), u = mat([[0.1, 0.5, 0.9, 0.3], [0.7, 0.2, 0.4, 0.95]]);
    const w = randomTensor(new Philox(3), [2, 4]);
    const g = (which: 'soft' | 'hard') => {
      const b = trace('st', (b) => {
        const s = gumbelSoftmax(f64(b, 'z', logits), f64(b, 'u', u), 2);
        return { loss: sum(mul(s[which], f64(b, 'w', w))) };
      });
      return interpret(grad(b, { loss: 'loss', wrt: ['z'] }), { z: logits, u, w })['grad:z']!.toArray();
    };
    near(g('hard'), g('soft'));
  });

  it('#8 sharpen at T = 0.5 and 0.25', () => {
    const p = mat([[0.5, 0.3, 0.2]]);
    near(run((b) => ({ s: sharpen(f64(b, 'p', p), 0.5) }), { p }).s!, [0.6578947368, 0.2368421053, 0.1052631579]);
    near(run((b) => ({ s: sharpen(f64(b, 'p', p), 0.25) }), { p }).s!, [0.8656509695, 0.1121883657, 0.02216066482]);
    expect(() => run((b) => ({ s: sharpen(f64(b, 'p', p), 0) }), { p })).toThrow(/temperature T must be positive/);
  });

  it('#9 MixUp with λ = 0.3 → λ′ = 0.7', () => {
    const a = mat([[1, 0]]), c = mat([[0, 2]]), lam = tensor([0.3], [], 'float64');
    near(run((b) => ({ m: mixup(f64(b, 'a', a), f64(b, 'c', c), f64(b, 'l', lam)) }), { a, c, l: lam }).m!, [0.7, 0.6]);
  });

  it('#10 entropy from logits, finite for a saturated row', () => {
    const z = mat([[2, 0, 1], [0, 0, 0], [5, -5, 0]]);
    near(run((b) => ({ h: entropyFromLogits(f64(b, 'z', z)) }), { z }).h!, [0.8323955818, 1.098612289, 0.04067412954]);
  });

  it('#12 EMA: a = min(1 − 1/(step+1), 0.99) copies at step 0 and tracks after', () => {
    const t = tensor([1, -2], [2], 'float64'), s = tensor([0, 0], [2], 'float64');
    const ema = (step: number) => run((b) => ({ e: emaUpdate(f64(b, 't', t), f64(b, 's', s), Math.min(1 - 1 / (step + 1), 0.99)) }), { t, s }).e!;
    near(ema(0), [0, 0]);
    near(ema(1), [0.5, -1]);
    near(ema(500), [0.99, -1.98]);
  });

  it('soft cross-entropy equals the hard one on one-hot targets and has the right gradient', () => {
    const z = mat([[2, 0, 1], [0, 1, 0]]), q = mat([[1, 0, 0], [0.2, 0.5, 0.3]]);
    const h = run((b) => ({ h: softCrossEntropy(f64(b, 'z', z), f64(b, 'q', q)) }), { z, q }).h!;
    const lse = (r: number[]) => Math.log(r.reduce((p, x) => p + Math.exp(x), 0));
    near([h[0]!], [lse([2, 0, 1]) - 2]);
    near([h[1]!], [lse([0, 1, 0]) - 0.5]);
    const { relErr } = gradCheck((b) => softCrossEntropy(f64(b, 'z', z), f64(b, 'q', q)), { z, q }, ['z', 'q']);
    for (const e of Object.values(relErr)) expect(e).toBeLessThanOrEqual(1e-6);
  });
});
