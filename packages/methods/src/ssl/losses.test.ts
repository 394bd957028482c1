import { describe, expect, it } from 'vitest';
import { GraphBuilder, Philox, grad, interpret, tensor, trace, type Tensor, type Value } from '@repkit/core';
import {
  consistencyLoss, consistencyWeight, debiasedContrastive, hardNegativeContrastive, infoNCE, ntXent, resslLoss, rotationLoss,
} from './losses.ts';

const nrm = (rows: number[][]): number[][] => rows.map((r) => r.map((x) => x / Math.hypot(...r)));
const mat = (rows: number[][], dtype: 'float64' | 'float32' = 'float64'): Tensor => tensor(rows.flat(), [rows.length, rows[0]!.length], dtype);

function run(build: (v: Record<string, Value>) => Value, feeds: Record<string, Tensor>): number[] {
  const g = trace('t', (b) => ({ out: build(Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, b.data(k, t.dtype, t.shape)]))) }));
  return interpret(g, feeds).out!.toArray();
}

/** Relative 1e-9 against a 10-significant-digit test vector. */
function near(got: readonly number[], want: readonly number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `entry ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(1e-9 * Math.abs(want[i]!)));
}

/** max |autodiff − central differences| / max |central differences| of a scalar loss w.r.t. `wrt`. */
function gradError(build: (v: Record<string, Value>) => Value, feeds: Record<string, Tensor>, wrt: string): number {
  const b = new GraphBuilder('g');
  const v = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, b.data(k, t.dtype, t.shape)]));
  const g = grad(b.build({ loss: build(v) }), { loss: 'loss', wrt: [wrt] });
  const auto = interpret(g, feeds)[`grad:${wrt}`]!.toArray();
  const f = (t: Tensor): number => run(build, { ...feeds, [wrt]: t })[0]!;
  let err = 0, scale = 0;
  const x = feeds[wrt]!;
  for (let i = 0; i < x.size; i++) {
    const h = 1e-6;
    const plus = tensor(x.toArray(), x.shape, 'float64'), minus = tensor(x.toArray(), x.shape, 'float64');
    plus.data[i] += h;
    minus.data[i] -= h;
    const fd = (f(plus) - f(minus)) / (2 * h);
    err = Math.max(err, Math.abs(fd - auto[i]!));
    scale = Math.max(scale, Math.abs(fd));
  }
  return err / scale;
}

// ssl-semi.md §7 #1 and kge-graph-recsys-metric.md §7.5.
const z1 = mat(nrm([[1, 0, 0], [0, 1, 0], [1, 1, 0]])), z2 = mat(nrm([[1, 0.2, 0], [0, 1, 0.3], [1, 0.8, 0.1]]));
const negs = mat(nrm([[0, 0, 1], [1, -1, 0], [-1, 0, 0.5]]));

describe('self-supervised losses: test vectors (float64 reference)', () => {
  it('#1 NT-Xent at τ = 0.5 and 0.1', () => {
    near(run((v) => ntXent(v.z1!, v.z2!, 0.5), { z1, z2 }), [1.045520094]);
    near(run((v) => ntXent(v.z1!, v.z2!, 0.1), { z1, z2 }), [0.2647371795]);
    near(run((v) => ntXent(v.z1!, v.z2!, 0.5), { z1, z2 }), [1.0455200944]);
  });

  it('NT-Xent normalises its inputs and masks the diagonal in float32 too', () => {
    const raw = { z1: mat([[1, 0, 0], [0, 1, 0], [1, 1, 0]]), z2: mat([[2, 0.4, 0], [0, 3, 0.9], [1, 0.8, 0.1]]) };
    near(run((v) => ntXent(v.z1!, v.z2!, 0.5), raw), [1.045520094]);
    const f32 = { z1: mat([[1, 0, 0], [0, 1, 0], [1, 1, 0]], 'float32'), z2: mat([[1, 0.2, 0], [0, 1, 0.3], [1, 0.8, 0.1]], 'float32') };
    expect(Math.abs(run((v) => ntXent(v.z1!, v.z2!, 0.5), f32)[0]! - 1.045520094)).toBeLessThan(1e-6);
  });

  it('#2 InfoNCE with shared negatives at τ = 0.2: per anchor and mean', () => {
    near(run((v) => infoNCE(v.a!, v.p!, v.n!, { tau: 0.2, reduction: 'none' }), { a: z1, p: z2, n: negs }), [0.2329244293, 0.0167409088, 0.01430129507]);
    near(run((v) => infoNCE(v.a!, v.p!, v.n!, { tau: 0.2 }), { a: z1, p: z2, n: negs }), [0.08798887773]);
  });

  it('InfoNCE with per-anchor negatives = the other 2N − 2 views is NT-Xent (§2.3)', () => {
    const Z = [...nrm([[1, 0, 0], [0, 1, 0], [1, 1, 0]]), ...nrm([[1, 0.2, 0], [0, 1, 0.3], [1, 0.8, 0.1]])];
    const others = Z.map((_, i) => Z.filter((__, j) => j !== i && j !== (i + 3) % 6));
    const perAnchor = tensor(others.flat(2), [6, 4, 3], 'float64');
    const anchors = mat(Z), positives = mat(Z.map((_, i) => Z[(i + 3) % 6]!));
    near(run((v) => infoNCE(v.a!, v.p!, v.n!, { tau: 0.5 }), { a: anchors, p: positives, n: perAnchor }), [1.045520094]);
  });

  it("InfoNCE with sim = 'dot' uses the un-normalised scores (seed 003, τ = 1)", () => {
    const a = mat([[2, 0]]), p = mat([[1, 1]]), n = mat([[0, 3], [-1, 0]]);
    // s⁺ = 2, s⁻ = [0, −2]: −log e² / (e² + 1 + e⁻²)
    const want = -Math.log(Math.exp(2) / (Math.exp(2) + 1 + Math.exp(-2)));
    near(run((v) => infoNCE(v.a!, v.p!, v.n!, { sim: 'dot' }), { a, p, n }), [want]);
  });

  it('§7.5 DCL and HCL (code semantics), and their limits τ⁺ = 0 → NT-Xent, β = 0 → DCL', () => {
    near(run((v) => debiasedContrastive(v.z1!, v.z2!, { tau: 0.5, tauPlus: 0.1 }), { z1, z2 }), [0.9549604238]);
    near(run((v) => hardNegativeContrastive(v.z1!, v.z2!, { tau: 0.5, tauPlus: 0.1, beta: 1 }), { z1, z2 }), [1.1087979347]);
    near(run((v) => hardNegativeContrastive(v.z1!, v.z2!, { tau: 0.5, tauPlus: 0, beta: 1 }), { z1, z2 }), [1.1727023164]);
    near(run((v) => debiasedContrastive(v.z1!, v.z2!, { tau: 0.5, tauPlus: 0 }), { z1, z2 }), [1.0455200944]);
    near(run((v) => hardNegativeContrastive(v.z1!, v.z2!, { tau: 0.5, tauPlus: 0.1, beta: 0 }), { z1, z2 }), [0.9549604238]);
  });

  it('#3 ReSSL relational loss at τ_t = 0.04 and 0.1 (τ_s = 0.1)', () => {
    const feeds = {
      t: mat(nrm([[1, 0.1, 0], [0, 1, 0.2]])), s: mat(nrm([[0.9, 0.3, 0.1], [0.2, 1, 0]])),
      q: mat(nrm([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]])),
    };
    near(run((v) => resslLoss(v.t!, v.s!, v.q!, { tauStudent: 0.1, tauTeacher: 0.04 }), feeds), [0.1207728647]);
    near(run((v) => resslLoss(v.t!, v.s!, v.q!, { tauStudent: 0.1, tauTeacher: 0.1 }), feeds), [0.2132869819]);
  });

  it('#13 RotNet: rotation cross-entropy of one image', () => {
    near(run((v) => rotationLoss(v.z!), { z: mat([[3, 0, 0, 0], [0, 2, 1, 0], [0, 0, 1, 1], [1, 0, 0, 2]]) }), [0.5333096501]);
  });

  it('#12 consistency (softmax MSE, mean over classes and batch) and the ramp w(t)', () => {
    near(run((v) => consistencyLoss(v.a!, v.b!), { a: mat([[1, 0, 0], [0, 2, 0]]), b: mat([[2, 0, 0], [0, 1, 1]]) }), [0.05030080981]);
    expect(consistencyWeight(0, 100, 50)).toBeCloseTo(50 * Math.exp(-5), 12);
    expect(consistencyWeight(50, 100, 50)).toBeCloseTo(50 * Math.exp(-1.25), 12);
    expect(consistencyWeight(500, 100, 50)).toBe(50);
  });
});

describe('self-supervised losses: gradients (float64 central differences)', () => {
  const rng = new Philox(3);
  const rand = (r: number, c: number): Tensor => tensor(Array.from(rng.normals(r * c)), [r, c], 'float64');
  const a = rand(4, 3), p = rand(4, 3), n = rand(5, 3), q = rand(6, 3), logits = rand(8, 4);

  it.each([
    ['ntXent', (v: Record<string, Value>) => ntXent(v.a!, v.p!, 0.5), 'a'],
    ['infoNCE shared', (v: Record<string, Value>) => infoNCE(v.a!, v.p!, v.n!, { tau: 0.2 }), 'n'],
    ['debiasedContrastive', (v: Record<string, Value>) => debiasedContrastive(v.a!, v.p!), 'p'],
    ['hardNegativeContrastive', (v: Record<string, Value>) => hardNegativeContrastive(v.a!, v.p!), 'a'],
    ['resslLoss student', (v: Record<string, Value>) => resslLoss(v.a!, v.p!, v.q!), 'p'],
    ['rotationLoss', (v: Record<string, Value>) => rotationLoss(v.z!), 'z'],
    ['consistencyLoss', (v: Record<string, Value>) => consistencyLoss(v.a!, v.p!), 'p'],
  ] as const)('%s', (_, build, wrt) => {
    expect(gradError(build, { a, p, n, q, z: logits }, wrt)).toBeLessThan(1e-6);
  });

  it('ReSSL sends no gradient to the teacher or the queue', () => {
    const b = new GraphBuilder('g');
    const [t, s, qq] = [['t', a], ['s', p], ['q', q]].map(([k, x]) => b.data(k as string, 'float64', (x as Tensor).shape));
    const g = grad(b.build({ loss: resslLoss(t!, s!, qq!) }), { loss: 'loss', wrt: ['t', 'q', 's'] });
    const out = interpret(g, { t: a, s: p, q });
    expect(out['grad:t']!.toArray().every((x) => x === 0)).toBe(true);
    expect(out['grad:q']!.toArray().every((x) => x === 0)).toBe(true);
    expect(out['grad:s']!.toArray().some((x) => x !== 0)).toBe(true);
  });
});

describe('self-supervised losses: bad arguments', () => {
  const b = new GraphBuilder('e');
  const x = b.data('x', 'float32', [4, 3]), y = b.data('y', 'float32', [4, 2]), dyn = b.data('d', 'float32', ['batch', 3]);
  it('name the argument and the fix', () => {
    expect(() => ntXent(x, x, 0)).toThrow(/temperature tau must be a positive number, got 0/);
    expect(() => ntXent(x, y)).toThrow(/z1 \[4, 3\] and z2 \[4, 2\] must have the same shape/);
    expect(() => ntXent(dyn, dyn)).toThrow(/z1 needs a static size on axis 0.*fixed batch/);
    expect(() => infoNCE(x, x, y)).toThrow(/negatives must be shared \[N, 3\] or per anchor \[batch, N, 3\], got \[4, 2\]/);
    expect(() => infoNCE(x, x, x, { sim: 'l1' as 'dot' })).toThrow(/sim must be 'cosine' or 'dot'/);
    expect(() => debiasedContrastive(x, x, { tauPlus: 1 })).toThrow(/tauPlus must be in \[0, 1\)/);
    expect(() => hardNegativeContrastive(x, x, { beta: -1 })).toThrow(/beta must be ≥ 0/);
    expect(() => resslLoss(x, x, y)).toThrow(/queue must be \[K, 3\], got \[4, 2\]/);
    expect(() => resslLoss(x, x, x, { tauTeacher: -1 })).toThrow(/tauTeacher must be a positive number/);
    expect(() => rotationLoss(x)).toThrow(/logits must be \[4·batch, 4\], got \[4, 3\]/);
    expect(() => rotationLoss(b.data('r', 'float32', [6, 4]))).toThrow(/6 rows \(not a multiple of 4\)/);
  });
});
