import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@repkit/backend-onnxruntime';
import { Tensor } from '@repkit/core';
import { importOnnx } from '@repkit/onnx';
import { readFileSync } from 'node:fs';
import { EntropyMinimisation, FixMatch, KnowledgeDistillation, MeanTeacher, MixMatch, SelfTraining, SupervisedBaseline, digitsProtocol, type SemiSupervisedClassifier } from './index.ts';

const task = digitsProtocol(50);
// Small and short: these tests check plumbing, not accuracy (the slow test and docs/semi-results.md do).
const small = { hidden: [16], steps: 6, backend: 'onnxruntime' } as const;

describe('semi-supervised recipes', () => {
  it('the digits protocol: 50 fixed labels (5 per class), or the whole pool, or k/10 per class', () => {
    expect(task.X.shape).toEqual([1000, 64]);
    expect(task.Xtest.shape).toEqual([797, 64]);
    const counts = new Array(10).fill(0);
    for (const c of task.y.data) if (c >= 0) counts[c]++;
    expect(counts).toEqual(new Array(10).fill(5));
    expect(digitsProtocol(1000).y.data.every((c) => c >= 0)).toBe(true);
    const t100 = digitsProtocol(100);
    expect(t100.y.data.filter((c) => c >= 0).length).toBe(100);
    expect(() => digitsProtocol(5)).toThrow(/labels must be a multiple of the 10 classes between 10 and the pool's 1000.*got 5/);
  });

  const recipes: [string, () => SemiSupervisedClassifier][] = [
    ['supervised', () => new SupervisedBaseline(small)],
    ['selftrain', () => new SelfTraining({ ...small, rounds: 2, threshold: 0.2 })],
    ['entmin', () => new EntropyMinimisation(small)],
    ['fixmatch', () => new FixMatch({ ...small, mu: 2, threshold: 0.3 })],
    ['mixmatch', () => new MixMatch({ ...small, lambdaPerRow: true })],
    ['meanteacher', () => new MeanTeacher(small)],
  ];
  for (const [name, make] of recipes) {
    it(`${name}: fits, predicts every test image, reports its metrics each step`, async () => {
      const m = make();
      const seen: number[] = [];
      await m.fit(task.X, task.y, { onProgress: (t) => seen.push(t) });
      expect(seen.length).toBe(m.history_.length);
      expect(m.history_.every((h) => Number.isFinite(h.loss))).toBe(true);
      const acc = await m.score(task.Xtest, task.ytest);
      expect(acc).toBeGreaterThan(0.1); // above chance after a few steps on 50 labels
      m.dispose();
    });
  }

  it('Mean Teacher predicts with the teacher, an EMA that differs from the student', async () => {
    const m = new MeanTeacher(small);
    await m.fit(task.X, task.y);
    expect(Array.from(m.params_!.W0!.data)).not.toEqual(Array.from(m.student_!.W0!.data));
  });

  it('knowledge distillation: a 16-unit student learns from a fitted teacher; an unfitted one is refused', async () => {
    const teacher = await new SupervisedBaseline({ ...small, steps: 30 }).fit(task.X, task.y);
    const student = new KnowledgeDistillation({ ...small, hidden: [16], teacher, steps: 30, unlabelledBatchSize: 20 });
    await student.fit(task.X, task.y);
    expect(student.history_.every((h) => Number.isFinite(h.kl) && h.kl! >= -1e-6)).toBe(true);
    expect(student.history_.at(-1)!.kl!).toBeLessThan(student.history_[0]!.kl!);
    expect(() => new KnowledgeDistillation({ teacher: new SupervisedBaseline() })).toThrow(/teacher must be a fitted classifier/);
    expect(() => new KnowledgeDistillation({ teacher, temperature: 0 })).toThrow(/temperature must be a positive temperature/);
  });

  it('a run resumed from its checkpoint ends where an uninterrupted run ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'repkit-semi-ckpt-'));
    try {
      const whole = new FixMatch({ ...small, mu: 2, threshold: 0.3, steps: 8 });
      await whole.fit(task.X, task.y);
      const first = new FixMatch({ ...small, mu: 2, threshold: 0.3, steps: 8, checkpoint: dir, checkpointEvery: 4 });
      // Stop after the checkpoint at step 4 by throwing from the progress callback.
      await expect(first.fit(task.X, task.y, { onProgress: (t) => { if (t === 5) throw new Error('interrupted'); } })).rejects.toThrow('interrupted');
      expect(readdirSync(dir)).toContain('checkpoint.json');
      const resumed = new FixMatch({ ...small, mu: 2, threshold: 0.3, steps: 8, checkpoint: dir, checkpointEvery: 4 });
      await resumed.fit(task.X, task.y);
      expect(resumed.history_.length).toBe(8);
      expect(Array.from(resumed.params_!.W1!.data)).toEqual(Array.from(whole.params_!.W1!.data));
      const other = new FixMatch({ ...small, mu: 2, threshold: 0.5, steps: 8, checkpoint: dir });
      await expect(other.fit(task.X, task.y)).rejects.toThrow(/written with other settings/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports the trained classifier to ONNX with the same predictions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'repkit-semi-onnx-'));
    try {
      const m = new SupervisedBaseline(small);
      await m.fit(task.X, task.y);
      const file = join(dir, 'sup.onnx');
      await m.exportOnnx(file);
      const g = importOnnx(readFileSync(file));
      const { ReferenceBackend } = await import('@repkit/core');
      const out = await (await new ReferenceBackend().compile(g)).run({ x: task.Xtest });
      const label = (await m.predict(task.Xtest)).data;
      expect(Array.from(out.label!.data)).toEqual(Array.from(label));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the bad argument: too few labels, labels out of range, wrong image size, thresholds, temperatures', async () => {
    const fewer = new Tensor('int32', [1000], Int32Array.from(task.y.data, (c, i) => (i < 3 ? c : -1)));
    await expect(new SupervisedBaseline({ ...small, classes: 10 }).fit(task.X, fewer)).rejects.toThrow(/labelled rows is fewer than the 10 classes/);
    const out = new Tensor('int32', [1000], Int32Array.from(task.y.data, (c, i) => (i === 7 ? 12 : c)));
    await expect(new SupervisedBaseline({ ...small, classes: 10 }).fit(task.X, out)).rejects.toThrow(/y\[7\] = 12 is out of range/);
    await expect(new SupervisedBaseline(small).fit(task.X, out)).rejects.toThrow(/classes were taken from the largest label \(12\) as 13, but 2 of them \(10, 11\) have no labelled row; a label may be out of range, or pass classes/);
    const neg = new Tensor('int32', [1000], Int32Array.from(task.y.data, (c, i) => (i === 3 ? -2 : c)));
    await expect(new SupervisedBaseline(small).fit(task.X, neg)).rejects.toThrow(/y\[3\] = -2 is out of range/);
    const wide = new Tensor('float32', [1000, 100], new Float32Array(100000));
    await expect(new FixMatch(small).fit(wide, task.y)).rejects.toThrow(/X: the encoder takes 8×8 images \(64 values per row\), got rows of 100/);
    expect(() => new FixMatch({ threshold: 1 })).toThrow(/threshold must be a probability threshold in \(0, 1\), got 1/);
    expect(() => new SelfTraining({ threshold: 0 })).toThrow(/threshold must be a probability threshold in \(0, 1\), got 0/);
    expect(() => new MixMatch({ temperature: 0 })).toThrow(/temperature must be a positive temperature, got 0/);
    expect(() => new MixMatch({ temperature: -1 })).toThrow(/temperature must be a positive temperature/);
    expect(() => new EntropyMinimisation({ ramp: 0 })).toThrow(/ramp must be a fraction of the steps in \(0, 1\]/);
    expect(() => new MeanTeacher({ emaDecay: 1 })).toThrow(/emaDecay must be in \[0, 1\)/);
  });
});
