// Hand-computed scores of every model (TransH's §1.8 vectors are in transh.test.ts), float64 reference.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, Tensor, interpret } from '@repkit/core';
import { KG2E } from './kg2e.ts';
import { ManifoldE } from './manifolde.ts';
import { SE } from './se.ts';
import { scoreOne } from './testing.ts';
import { TransA } from './transa.ts';
import { TransD } from './transd.ts';
import { TransF } from './transf.ts';
import { TransG } from './transg.ts';
import { TransM, mappingWeights } from './transm.ts';
import { TransR } from './transr.ts';
import { TranSparse, bandMasks, sparsityDegrees } from './transparse.ts';
import { UM } from './um.ts';

const close = (a: number, b: number): void => expect(a).toBeCloseTo(b, 10);

describe('TransR', () => {
  it('−‖M h + r − M t‖², and M h clamped to norm 1 inside the score', () => {
    const m = TransR({ dim: 2, relDim: 2 });
    close(scoreOne(m, { E: [1, 0] }, { R: [0.1, 0.2], M: [0.5, 0, 0.5, 0.5] }, { E: [0, 1] }), -0.4);
    close(scoreOne(m, { E: [1, 0] }, { R: [0, 0], M: [2, 0, 0, 2] }, { E: [0, 1] }), -2); // [2,0] → [1,0], [0,2] → [0,1]
  });
});

describe('TransD', () => {
  it('h⊥ = (h_pᵀh) r_p + h (squared and default norm) for k = d; truncation (k < d) and padding (k > d)', () => {
    const h = { E: [0.6, 0], Ep: [1, 0] }, t = { E: [0, 0.5], Ep: [0, 1] };
    close(scoreOne(TransD({ dim: 2, squared: true }), h, { R: [0.1, 0.1], Rp: [0, 0.5] }, t), -0.6125);
    close(scoreOne(TransD({ dim: 2 }), h, { R: [0.1, 0.1], Rp: [0, 0.5] }, t), -Math.sqrt(0.6125)); // default −‖·‖₂
    const h2 = { E: [0.6, 0.2], Ep: [1, 1] }, t2 = { E: [0.1, 0.9], Ep: [0, 0] };
    close(scoreOne(TransD({ dim: 2, relDim: 1, squared: true }), h2, { R: [0.2], Rp: [0.25] }, t2), -0.81);
    close(scoreOne(TransD({ dim: 2, relDim: 3, squared: true }), h2, { R: [0, 0, 0], Rp: [0, 0, 0.5] }, t2), -0.9);
  });
});

describe('TranSparse', () => {
  it('masked transfer matrices: share one M, separate M^h and M^t', () => {
    const r = { R: [0.1, 0.1], M: [0.5, 0.3, 0.2, 0.5], 'M.mask': [1, 0, 1, 1] };
    close(scoreOne(TranSparse({ dim: 2, theta: [0.5] }), { E: [1, 0] }, r, { E: [0, 1] }), -0.4);
    const sep = { R: [0.1, 0.1], Mh: [0.5, 0.3, 0.2, 0.5], 'Mh.mask': [1, 0, 1, 1], Mt: [9, 0, 0, 0.5], 'Mt.mask': [0, 1, 1, 1] };
    close(scoreOne(TranSparse({ dim: 2, variant: 'separate', theta: [0.5, 0.5] }), { E: [1, 0] }, sep, { E: [0, 1] }), -0.4);
  });
  it('sparsity degrees from distinct pairs (share) or entities per side (separate); band masks keep the diagonal', () => {
    const train = { ids: Int32Array.of(0, 0, 1, 2, 0, 1, 0, 1, 3), count: 3 };
    expect([...sparsityDegrees(train, 2, 'share', 0.5)]).toEqual([0.5, 0.75]);
    expect([...sparsityDegrees(train, 2, 'separate', 0)]).toEqual([0, 0.5, 0.5, 0.5]); // heads {0,2},{0}; tails {1},{3}
    expect([...bandMasks([0.5], 2, 2).data]).toEqual([1, 0, 0, 1]);
    expect([...bandMasks([0.5], 3, 3).data]).toEqual([1, 1, 0, 1, 1, 0, 0, 0, 1]);
    expect([...bandMasks([0], 2, 2).data]).toEqual([1, 1, 1, 1]);
  });
});

describe('TransM', () => {
  it('−θ_r ‖h + r − t‖₁, θ_r = 1/ln(tph + hpt + 1.7) from distinct heads and tails', () => {
    close(scoreOne(TransM({ dim: 2, theta: [0.5] }), { E: [1, 0] }, { R: [0, 1], theta: [0.5] }, { E: [0, 0] }), -1);
    const train = { ids: Int32Array.of(0, 0, 1, 0, 0, 2, 3, 0, 1), count: 3 }; // tph = 3/2, hpt = 3/2
    close(mappingWeights(train, 1)[0]!, 1 / Math.log(4.7));
  });
});

describe('ManifoldE', () => {
  it('−(‖h + r − t‖² − D_r²)²', () => close(scoreOne(ManifoldE({ dim: 2 }), { E: [0.5, 0] }, { R: [0, 0.5], D: [0.5] }, { E: [0, 0] }), -0.0625));
  // (h + r_h)ᵀ(t + r_t) = (0.5, 0.5)·(0.25, 1) = 0.625; −(0.625 − 0.25)² = −0.140625.
  it('hyperplane: −((h + r_h)ᵀ(t + r_t) − D_r²)²', () => close(scoreOne(ManifoldE({ dim: 2, form: 'hyperplane' }), { E: [0.5, 0] }, { R: [0, 0.5], Rt: [0.25, 0], D: [0.5] }, { E: [0, 1] }), -0.140625));
  // K(h,t) = e^{-0.25}, K(r,t) = e^{-0.25}, K(h,r) = e^{-0.5}: M = 3 + 2e^{-0.5} − 4e^{-0.25}.
  it('Gaussian-kernel sphere: 3 + 2K(h, r) − 2K(h, t) − 2K(r, t)', () => {
    const M = 3 + 2 * Math.exp(-0.5) - 4 * Math.exp(-0.25);
    close(scoreOne(ManifoldE({ dim: 2, form: 'sphere-gaussian' }), { E: [0.5, 0] }, { R: [0, 0.5], D: [0.5] }, { E: [0, 0] }), -((M - 0.25) ** 2));
  });
  it('names a bad form or kernel width', () => {
    expect(() => ManifoldE({ form: 'torus' as 'sphere' })).toThrow(/form must be sphere, hyperplane or sphere-gaussian, got 'torus'/);
    expect(() => ManifoldE({ form: 'sphere-gaussian', sigma: 0 })).toThrow(/sigma \(the Gaussian kernel width\) must be positive, got 0/);
  });
});

describe('TransF', () => {
  it('(h + r)ᵀt + (t − r)ᵀh', () => close(scoreOne(TransF({ dim: 2 }), { E: [1, 0] }, { R: [0, 1] }, { E: [0.5, 0.5] }), 1.5));
});

describe('TransA', () => {
  const m = TransA({ dim: 2 });
  it('−|h + r − t|ᵀ W_r |h + r − t| with element-wise |·|', () => {
    const r = { R: [0, 1], W: [0.5, 0.1, 0.1, 0.2] };
    close(scoreOne(m, { E: [1, 0] }, r, { E: [0, 0] }), -0.9);
    close(scoreOne(m, { E: [1, 0] }, r, { E: [2, 2] }), -0.9);
  });
  it('W_r projection: symmetrise, clamp ≥ 0, ‖W‖_F ≤ 1', () => {
    const b = new GraphBuilder('w');
    const g = b.build({ w: m.constraints.W!(b.data('w', 'float32', [1, 2, 2])) });
    const w = interpret(g, { w: new Tensor('float32', [1, 2, 2], Float32Array.of(1, -1, 3, 0)) }).w!.data;
    [1, 1, 1, 0].forEach((v, i) => close(w[i]!, v / Math.sqrt(3)));
  });
});

describe('KG2E', () => {
  const mu0 = { mu: [0, 0], sigma: [0.5, 0.5] }, r1 = { rmu: [0, 0], rsigma: [1, 1] };
  it('KL (methods §1.8): equal covariances (Σ_h + Σ_t = Σ_r) and μ = 0 → 0', () => close(scoreOne(KG2E({ dim: 2 }), mu0, r1, mu0), 0));
  it('KL: every variance 1 gives Σ_h + Σ_t = 2Σ_r → −d(1 − ln 2)/2; μ = [1, 0] adds −½', () => {
    const one = { mu: [0, 0], sigma: [1, 1] };
    close(scoreOne(KG2E({ dim: 2 }), one, r1, one), -(1 - Math.log(2)));
    close(scoreOne(KG2E({ dim: 2 }), { mu: [1, 0], sigma: [0.5, 0.5] }, r1, mu0), -0.5);
  });
  it('EL: −½[Σ μ²/s + Σ ln s + d ln 2π]', () => {
    const el = KG2E({ dim: 2, similarity: 'EL' }), e = { mu: [0, 0], sigma: [0.25, 0.25] }, r = { rmu: [0, 0], rsigma: [0.5, 0.5] };
    close(scoreOne(el, e, r, e), -Math.log(2 * Math.PI));
    close(scoreOne(el, { mu: [1, 0], sigma: [0.25, 0.25] }, r, e), -0.5 * (1 + 2 * Math.log(2 * Math.PI)));
  });
});

describe('TransG', () => {
  const m = TransG({ dim: 2, components: 2 });
  it('ln Σ_m π_m exp(−‖h + μ_m − t‖² / (σ_h² + σ_t²)), π = softmax(logits)', () => {
    const e = { mu: [0, 0], var: [0.5] };
    close(scoreOne(m, e, { R: [1, 0, 0, 0], pi: [0, 0] }, e), Math.log(0.5 * (1 + Math.exp(-1))));
  });
  it('stays finite where every exp(−dist/var) underflows (−1000 here)', () => {
    close(scoreOne(m, { mu: [10, 0], var: [0.05] }, { R: [0, 0, 0, 0], pi: [3, -2] }, { mu: [0, 0], var: [0.05] }), -1000);
  });
});

describe('UM', () => {
  it('−‖h − t‖², no relation parameters', () => close(scoreOne(UM({ dim: 2 }), { E: [1, 0] }, {}, { E: [0, 1] }), -2));
});

describe('SE', () => {
  it('−‖M¹ h − M² t‖₁', () => close(scoreOne(SE({ dim: 2 }), { E: [1, 1] }, { Mh: [1, 0, 0, 2], Mt: [0, 1, 1, 0] }, { E: [1, 0] }), -2));
});
