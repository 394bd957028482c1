// The self-supervised recipes at toy sizes on the reference backend: training, embeddings, checkpoints that
// resume to the same parameters, ONNX export, and errors that name the argument.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Philox, ReferenceBackend, Tensor, Trainer } from '@repkit/core';
import { digitsSplit, loadDigits, takeRows } from '@repkit/data';
import { importOnnx } from '@repkit/onnx';
import { CnnEncoder } from '../encoders/cnn-encoder.ts';
import { MlpEncoder } from '../encoders/mlp-encoder.ts';
import { probeEncoder, probeRows } from './probe.ts';
import { ReSSL } from './ressl.ts';
import { RotNet } from './rotnet.ts';
import { SimCLR } from './simclr.ts';

const { X, y } = loadDigits();
const split = digitsSplit();
const pool = takeRows(X, split.pool.subarray(0, 200));
const small = { encoder: new MlpEncoder({ hidden: [16, 16] }), batchSize: 8, steps: 6, projection: 8 } as const;

describe('self-supervised recipes (reference backend, toy sizes)', () => {
  it.each([
    ['SimCLR', () => new SimCLR(small), 2],
    ['RotNet', () => new RotNet({ ...small }), 1],
    ['ReSSL', () => new ReSSL({ ...small, queueSize: 12 }), 2],
  ] as const)('%s trains, embeds from every layer and probes', async (_, make, layer) => {
    const m = make();
    const steps: number[] = [];
    await m.fit(pool, { onProgress: (t) => steps.push(t) });
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    expect(m.lossCurve_.every(Number.isFinite)).toBe(true);
    expect(m.defaultLayer).toBe(layer);
    const e = await m.transform(takeRows(X, split.test.subarray(0, 5)));
    expect(e.shape).toEqual([5, 16]);
    expect((await m.transform(takeRows(X, split.test.subarray(0, 5)), { layer: 1 })).shape).toEqual([5, 16]);
    await expect(m.transform(pool, { layer: 3 })).rejects.toThrow(/layer must be an integer in 1..2 for this encoder, got 3/);
    const [p] = await probeEncoder(m, X, y, split, [20]);
    expect(p!.accuracy).toBeGreaterThan(0.3);
    m.dispose();
  });

  it('SimCLR starts at the chance level of NT-Xent, ln(2N − 1)', async () => {
    const m = new SimCLR({ ...small, steps: 1, batchSize: 32 });
    await m.fit(pool);
    expect(Math.abs(m.lossCurve_[0]! - Math.log(63))).toBeLessThan(0.1);
  });

  it('ReSSL carries the EMA teacher and a FIFO queue of teacher embeddings through the step graph', async () => {
    const m = new ReSSL({ ...small, batchSize: 4, queueSize: 6, momentum: 0.9 });
    const student = m.initialParams(new Philox(1));
    const teacherBefore = m.initialParams(new Philox(2)); // a teacher that differs from the student
    const teacher = Object.fromEntries(Object.entries(teacherBefore).map(([k, t]) => [`teacher.${k}`, t]));
    const queue = new Tensor('float32', [6, 8], Float32Array.from(new Philox(3).normals(48)));
    const trainer = await Trainer.create(m.stepGraph(), new ReferenceBackend(), { ...student, ...teacher, queue });
    const x1 = takeRows(X, [0, 1, 2, 3]), x2 = takeRows(X, [4, 5, 6, 7]);
    await trainer.run({ x1, x2 });
    // Teacher: θ' ← 0.9 θ' + 0.1 θ with the student after this step's update.
    for (const [k, t] of Object.entries(teacherBefore)) {
      const got = trainer.carried[`teacher.${k}`]!.data, s = trainer.params[k]!.data;
      t.data.forEach((v, i) => expect(got[i]!).toBeCloseTo(0.9 * v + 0.1 * s[i]!, 7));
    }
    // Queue: the oldest 4 rows out, this step's normalised teacher embeddings of x1 (pre-update teacher) in.
    const dense = (x: number[][], W: Tensor, b: Tensor, relu: boolean): number[][] => x.map((row) => Array.from({ length: b.size }, (_, j) => {
      const v = row.reduce((acc, xi, i) => acc + xi * W.data[i * b.size + j]!, b.data[j]!);
      return relu ? Math.max(v, 0) : v;
    }));
    let h = Array.from({ length: 4 }, (_, r) => Array.from(x1.data.subarray(r * 64, (r + 1) * 64)));
    h = dense(h, teacherBefore['enc.W0']!, teacherBefore['enc.b0']!, true);
    h = dense(h, teacherBefore['enc.W1']!, teacherBefore['enc.b1']!, true);
    h = dense(h, teacherBefore['head.W0']!, teacherBefore['head.b0']!, true);
    h = dense(h, teacherBefore['head.W1']!, teacherBefore['head.b1']!, false);
    const want = [...Array.from({ length: 2 }, (_, r) => Array.from(queue.data.subarray((4 + r) * 8, (5 + r) * 8))), ...h.map((r) => r.map((v) => v / Math.hypot(...r)))];
    const got = trainer.carried.queue!;
    expect(got.shape).toEqual([6, 8]);
    want.flat().forEach((v, i) => expect(got.data[i]!).toBeCloseTo(v, 7));
    trainer.dispose();
  });

  it('a run stopped after a checkpoint resumes to the same parameters as an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'repkit-ssl-ckpt-'));
    try {
      const whole = await new ReSSL({ ...small, queueSize: 12 }).fit(pool);
      const opts = { ...small, queueSize: 12, checkpoint: join(dir, 'run'), checkpointEvery: 3 };
      await expect(new ReSSL(opts).fit(pool, { onProgress: (t) => { if (t === 4) throw new Error('stop'); } })).rejects.toThrow('stop');
      const resumed: number[] = [];
      const m = await new ReSSL(opts).fit(pool, { onProgress: (t) => resumed.push(t) });
      expect(resumed).toEqual([4, 5, 6]);
      // Checkpoints hold float32 (the engines' precision); the float64 reference agrees to that rounding.
      for (const [k, t] of Object.entries(whole.params_!)) t.data.forEach((v, i) => expect(Math.abs(m.params_![k]!.data[i]! - v), `${k}[${i}]`).toBeLessThan(1e-6));
      m.lossCurve_.forEach((l, i) => expect(l).toBeCloseTo(whole.lossCurve_[i]!, 5));
      expect(readdirSync(dir)).toEqual(['run']);
      await expect(new ReSSL({ ...opts, tauTeacher: 0.05 }).fit(pool)).rejects.toThrow(/written with other settings/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports the trained encoder to ONNX with the same embeddings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'repkit-ssl-onnx-'));
    try {
      const m = await new RotNet(small).fit(pool);
      const file = join(dir, 'rotnet.onnx');
      await m.exportOnnx(file);
      const x = takeRows(X, split.test.subarray(0, 7));
      const out = await (await new ReferenceBackend().compile(importOnnx(readFileSync(file)))).run({ x });
      const want = await m.transform(x);
      Array.from(out.embedding!.data).forEach((v, i) => expect(v).toBeCloseTo(want.data[i]!, 5));
      expect(out.layer2!.shape).toEqual([7, 16]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the CNN encoder trains under SimCLR on 8×8 images', async () => {
    const m = await new SimCLR({ encoder: new CnnEncoder({ channels: [2, 3], hidden: 8 }), batchSize: 4, steps: 2, projection: 4 }).fit(pool);
    expect((await m.transform(takeRows(X, split.test.subarray(0, 3)))).shape).toEqual([3, 8]);
    expect((await m.transform(takeRows(X, split.test.subarray(0, 3)), { layer: 1 })).shape).toEqual([3, 48]);
  });

  it('probe rows: the labelled set round-robin over classes, then the pool', () => {
    const r10 = probeRows(split, y, 10);
    expect(new Set(Array.from(r10, (i) => y.data[split.pool[i]!]!)).size).toBe(10);
    expect(new Set(probeRows(split, y, 50)).size).toBe(50);
    expect(Array.from(probeRows(split, y, 50)).sort((a, b) => a - b)).toEqual(Array.from(split.labelled, (r) => split.pool.indexOf(r)).sort((a, b) => a - b));
    expect(probeRows(split, y, 1000).length).toBe(1000);
    expect(() => probeRows(split, y, 9)).toThrow(/probe labels must be an integer from 10 \(the classes\) to 1000 \(the pool\), got 9/);
    expect(() => probeRows(split, y, 1001)).toThrow(/got 1001/);
  });

  it('names the bad argument', async () => {
    const wide = new Tensor('float32', [10, 100], new Float32Array(1000));
    await expect(new SimCLR(small).fit(wide)).rejects.toThrow(/X must be 8×8 \(64 values per row\) for this encoder, got 100/);
    await expect(new SimCLR(small).transform(pool)).rejects.toThrow(/call fit before transform/);
    expect(() => new SimCLR({ tau: 0 })).toThrow(/tau must be a positive number \(the NT-Xent temperature\), got 0/);
    expect(() => new ReSSL({ momentum: 1 })).toThrow(/momentum must be in \[0, 1\), got 1/);
    expect(() => new ReSSL({ tauTeacher: -1 })).toThrow(/tauTeacher must be a positive number/);
    expect(() => new RotNet({ encoder: new MlpEncoder({ imageShape: [8, 6] }) })).toThrow(/RotNet needs square images/);
    expect(() => new SimCLR({ encoder: 'vit' as 'mlp' })).toThrow(/encoder must be 'mlp', 'cnn' or an Encoder, got 'vit'/);
    expect(() => new SimCLR({ batchSize: 1 })).toThrow(/batchSize must be an integer ≥ 2, got 1/);
    expect(() => new CnnEncoder({ imageShape: [7, 7] })).toThrow(/imageShape must be even sizes/);
  });
});
