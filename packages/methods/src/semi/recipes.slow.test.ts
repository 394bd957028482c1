// The §6.2 bars on one seed, full 3000-step runs on onnxruntime (the full table: npm run bench -- semi-table).
import { describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import { FixMatch, MixMatch, SupervisedBaseline, digitsProtocol } from './index.ts';

const task = digitsProtocol(50);

describe('semi-supervised recipes reach ssl-semi.md §6.2 on digits (seed 0, onnxruntime)', () => {
  it('FixMatch and MixMatch ≥ 0.92 and well above the supervised baseline on 50 labels', async () => {
    const acc = async (m: SupervisedBaseline | FixMatch | MixMatch) => (await m.fit(task.X, task.y)).score(task.Xtest, task.ytest);
    const sup = await acc(new SupervisedBaseline({ backend: 'onnxruntime' }));
    const fix = await acc(new FixMatch({ backend: 'onnxruntime' }));
    const mix = await acc(new MixMatch({ backend: 'onnxruntime' }));
    expect(sup).toBeGreaterThanOrEqual(0.82);
    expect(fix).toBeGreaterThanOrEqual(Math.max(0.92, sup + 0.05));
    expect(mix).toBeGreaterThanOrEqual(Math.max(0.92, sup + 0.06));
  }, 240_000);
});
