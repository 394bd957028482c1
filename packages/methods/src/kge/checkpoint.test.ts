import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@repkit/backend-onnxruntime';
import { readTriples } from '@repkit/data';
import { TransE } from './transe.ts';
import { trainKge } from './train.ts';

describe('KGE checkpoints and early stopping', () => {
  const d = readTriples('nations');

  it('a run resumed from a checkpoint ends bit-identical to an uninterrupted run', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ckpt-')), 'run');
    const straight = await trainKge(TransE({ dim: 8 }), d, { epochs: 4, seed: 3, lr: 0.01 });
    await trainKge(TransE({ dim: 8 }), d, { epochs: 2, seed: 3, lr: 0.01, checkpoint: { dir, every: 1 } });
    expect(readdirSync(join(dir, '..'))).toEqual(['run']); // no temporary folder left behind
    const resumed = await trainKge(TransE({ dim: 8 }), d, { epochs: 4, seed: 3, lr: 0.01, checkpoint: { dir }, resume: true });
    expect(resumed.resumedFrom).toBe(2);
    expect(resumed.losses).toEqual(straight.losses);
    expect(Array.from(resumed.params.E!.data)).toEqual(Array.from(straight.params.E!.data));
    await expect(trainKge(TransE({ dim: 8 }), d, { epochs: 4, seed: 4, checkpoint: { dir }, resume: true })).rejects.toThrow(/written with other settings \(lr: 0.01 in the checkpoint, unset now; seed: 3 in the checkpoint, 4 now\)/);
    expect(existsSync(join(dir, 'checkpoint.json'))).toBe(true);
    // Fewer epochs than the checkpoint holds is refused: the old code saved 4 epochs of weights labelled epoch 3.
    await expect(trainKge(TransE({ dim: 8 }), d, { epochs: 3, seed: 3, lr: 0.01, checkpoint: { dir }, resume: true })).rejects.toThrow(/epochs = 3 is fewer than the 4 epochs the checkpoint in .* holds; pass epochs ≥ 4/);
    const again = await trainKge(TransE({ dim: 8 }), d, { epochs: 4, seed: 3, lr: 0.01, checkpoint: { dir }, resume: true });
    expect([again.resumedFrom, again.lr]).toEqual([4, 0.01]);
  });

  it('reports the learning rate a default resolves to, and refuses an unknown loss', async () => {
    expect((await trainKge(TransE({ dim: 8 }), d, { epochs: 1 })).lr).toBe(0.001);
    expect((await trainKge(TransE({ dim: 8 }), d, { epochs: 1, optimizer: 'adagrad' })).lr).toBe(0.01);
    await expect(trainKge(TransE({ dim: 8 }), d, { epochs: 1, loss: 'hinge' as 'margin' })).rejects.toThrow(/loss must be 'margin' or 'softplus', got 'hinge'/);
  });

  it('stops early on validation MRR and keeps the best parameters', async () => {
    const r = await trainKge(TransE({ dim: 8 }), d, { epochs: 200, seed: 1, lr: 0.01, earlyStopping: { every: 2, patience: 1, delta: 0.5 } });
    expect(r.epochs).toBeLessThan(200);
    expect(r.validation!.length).toBeGreaterThanOrEqual(2);
    expect(r.bestEpoch).toBe(r.validation!.reduce((a, b) => (b.mrr > a.mrr * 1.5 ? b : a)).epoch);
  });
});
