import { describe, expect, it } from 'vitest';
import { Tensor } from '@repkit/core';
import { GaussianMixture } from './gmm.ts';
import { blobs, rawDigits } from './datasets.ts';

const { X } = blobs([[0, 0], [6, 1], [2, 7]], { perCentre: 40, std: 1, seed: 3 });

// scikit-learn 1.2.1 GaussianMixture(3, covariance_type=…, random_state=0) on the same 120 rows.
const SKLEARN = {
  full: { score: -3.852991047565841, nIter: 2, means: [[-0.123049, -0.043434], [2.013176, 6.459199], [5.805388, 0.955549]] },
  tied: { score: -3.886531181353358, nIter: 2, means: [[-0.124097, -0.043736], [2.013122, 6.459185], [5.803977, 0.955473]] },
  diag: { score: -3.85385165796652, nIter: 2, means: [[-0.123109, -0.043455], [2.013174, 6.459193], [5.805349, 0.955545]] },
  spherical: { score: -3.8610494491181666, nIter: 2, means: [[-0.12252, -0.043377], [2.013154, 6.459141], [5.805675, 0.955583]] },
} as const;

describe('GaussianMixture (reference backend, float64)', () => {
  for (const [type, ref] of Object.entries(SKLEARN) as [keyof typeof SKLEARN, (typeof SKLEARN)[keyof typeof SKLEARN]][]) {
    it(`${type}: matches scikit-learn's fit on three blobs (score, n_iter, means)`, async () => {
      const g = await new GaussianMixture({ nComponents: 3, covarianceType: type }).fit(X);
      expect(g.converged_).toBe(true);
      expect(g.nIter_).toBe(ref.nIter);
      expect(await g.score(X)).toBeCloseTo(ref.score, 6);
      const m = g.means_!.data, order = [0, 1, 2].sort((a, b) => m[a * 2]! - m[b * 2]!);
      order.forEach((c, r) => ref.means[r]!.forEach((v, j) => expect(m[c * 2 + j]!).toBeCloseTo(v, 5)));
      expect(g.weights_!.toArray().reduce((a, b) => a + b)).toBeCloseTo(1, 12);
      expect(g.covariances_!.shape).toEqual({ full: [3, 2, 2], tied: [2, 2], diag: [3, 2], spherical: [3] }[type]);
    });
  }

  it('predict, predictProba, scoreSamples and sample agree with each other', async () => {
    const g = new GaussianMixture({ nComponents: 3, covarianceType: 'full', seed: 2 });
    const labels = await g.fitPredict(X);
    expect(Array.from((await g.predict(X)).data)).toEqual(Array.from(labels.data));
    const P = await g.predictProba(X);
    for (let i = 0; i < 120; i++) expect(P.data[i * 3]! + P.data[i * 3 + 1]! + P.data[i * 3 + 2]!).toBeCloseTo(1, 12);
    const ls = (await g.scoreSamples(X)).toArray();
    expect(ls.reduce((a, b) => a + b) / 120).toBeCloseTo(await g.score(X), 12);
    const s = g.sample(3000);
    expect(s.X.shape).toEqual([3000, 2]);
    for (let c = 0; c < 3; c++) {
      const rows = [...s.y.data.keys()].filter((i) => s.y.data[i] === c);
      const mx = rows.reduce((a, i) => a + s.X.data[i * 2]!, 0) / rows.length;
      expect(mx).toBeCloseTo(g.means_!.data[c * 2]!, 0);
    }
  });

  it('is within 1 % of scikit-learn on digits (diag, reg 1e-6: -22.1813)', async () => {
    const g = await new GaussianMixture({ nComponents: 10, covarianceType: 'diag', seed: 0 }).fit(rawDigits().X);
    expect(Math.abs((await g.score(rawDigits().X)) - -22.18132137698293)).toBeLessThanOrEqual(0.01 * 22.18132137698293);
  });

  it('rejects bad input with the argument named', async () => {
    await expect(new GaussianMixture().fit(new Tensor('float32', [2, 2], Float32Array.of(1, NaN, 0, 1)))).rejects.toThrow(/X holds NaN at row 0, column 1/);
    await expect(new GaussianMixture().fit(new Tensor('float32', [2, 2], Float32Array.of(1, 2, Infinity, 1)))).rejects.toThrow(/X holds Infinity at row 1, column 0/);
    await expect(new GaussianMixture({ nComponents: 121 }).fit(X)).rejects.toThrow(/nComponents = 121 exceeds the 120 samples in X/);
    const dup = new Tensor('float64', [4, 2], Float64Array.of(1, 1, 1, 1, 2, 2, 2, 2));
    await expect(new GaussianMixture({ nComponents: 2, regCovar: 0 }).fit(dup)).rejects.toThrow(/not positive definite.*increase regCovar/);
    const g = await new GaussianMixture({ nComponents: 2, covarianceType: 'diag' }).fit(X);
    await expect(g.predict(new Tensor('float64', [1, 3]))).rejects.toThrow(/X has 3 features, expected 2/);
    await expect(new GaussianMixture().score(X)).rejects.toThrow(/call fit before score/);
    expect(() => new GaussianMixture({ covarianceType: 'banded' as never })).toThrow(/covarianceType must be one of full, tied, diag, spherical/);
    expect(() => new GaussianMixture({ regCovar: -1 })).toThrow(/regCovar must be a number in \[0, Infinity\]/);
  });
});
