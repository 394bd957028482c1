// The sequence recipes as a user sees them: fit / transform / evaluate on the reference backend, a run
// resumed from its checkpoint ends exactly where an uninterrupted one does, the exported ONNX encoder
// gives the same embeddings, and bad options fail with the argument named.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import { Philox, Tensor, getBackend } from '@repkit/core';
import { bayesNspAccuracy, markovChain, sampleMarkov, sampleSwitching, switchingProcess } from '@repkit/data';
import { importOnnx } from '@repkit/onnx';
import { MaskedLanguageModel } from './masked-language-model.ts';
import { Wav2Vec2 } from './wav2vec2.ts';

const dir = mkdtempSync(join(tmpdir(), 'repkit-ssl-seq-'));
const chain = markovChain({ items: 8, seed: 1 });
const X = sampleMarkov(chain, 40, 6, new Philox(1));
const tiny = { dim: 16, heads: 2, layers: 1, ffDim: 16, batchSize: 4 };
const frames = sampleSwitching(switchingProcess({ regimes: 3, dim: 4 }), 12, 10, new Philox(2)).frames;
const w2vTiny = { latentDim: 8, dim: 8, heads: 2, layers: 1, entries: 4, entryDim: 4, finalDim: 8, K: 3, spanLength: 3, batchSize: 3 };

describe('MaskedLanguageModel', () => {
  // On onnxruntime: checkpoints hold float32, so a float32 engine resumes bit for bit (the float64 reference would differ at 1e-9).
  it('resumes from a checkpoint to the same parameters and loss curve as an uninterrupted run', async () => {
    const ort = { ...tiny, backend: 'onnxruntime' };
    const full = await new MaskedLanguageModel({ ...ort, steps: 6 }).fit(X, { items: 8 });
    const ckpt = join(dir, 'mlm');
    const stop = new Error('interrupted');
    await expect(new MaskedLanguageModel({ ...ort, steps: 6 }).fit(X, { items: 8, checkpoint: ckpt, checkpointEvery: 3, onProgress: (t) => { if (t === 4) throw stop; } })).rejects.toBe(stop);
    const resumed = await new MaskedLanguageModel({ ...ort, steps: 6 }).fit(X, { items: 8, checkpoint: ckpt, checkpointEvery: 3 });
    expect(resumed.lossCurve_).toEqual(full.lossCurve_);
    for (const [k, v] of Object.entries(full.params_!)) expect(Array.from(resumed.params_![k]!.data)).toEqual(Array.from(v.data));
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    await expect(new MaskedLanguageModel({ ...ort, steps: 7 }).fit(X, { items: 8, checkpoint: ckpt })).rejects.toThrow(/written with other settings/);
  });

  it('transforms to embeddings [n, d], scores masked tokens, and exports an encoder that gives the same embeddings', async () => {
    const m = await new MaskedLanguageModel({ ...tiny, steps: 3 }).fit(X, { items: 8 });
    const emb = await m.transform(X);
    expect(emb.shape).toEqual([40, 16]);
    const ev = await m.evaluateMasked(X, 3);
    expect(ev.positions).toBe(Array.from(ev.selected.data).reduce((a, b) => a + b, 0));
    expect(ev.positions).toBeGreaterThan(0);
    const file = join(dir, 'mlm.onnx');
    await m.exportOnnx(file);
    const g = importOnnx(new Uint8Array(readFileSync(file)));
    const ids = new Tensor('int32', [2, 8], Int32Array.from([1, ...Array.from(X.data.subarray(0, 6), (v) => v + 4), 2, 1, ...Array.from(X.data.subarray(6, 12), (v) => v + 4), 2]));
    const out = await (await (await getBackend('reference')).compile(g)).run({ ids, mask: new Tensor('float32', [2, 8], new Float32Array(16).fill(1)) });
    for (let i = 0; i < 32; i++) expect(out.embedding!.data[i]).toBeCloseTo(emb.data[i]!, 4);
  });

  it('trains with next-sentence prediction on [CLS] A [SEP] B [SEP] pairs', async () => {
    const m = await new MaskedLanguageModel({ ...tiny, steps: 2, nsp: true }).fit(X, { items: 8 });
    expect(m.lossCurve_).toHaveLength(2);
    expect(m.lossCurve_[0]!).toBeGreaterThan(Math.log(2)); // L_MLM + L_NSP, each ≥ 0, NSP near ln 2 at the start
  });

  it('scores next-sentence prediction on held-out pairs: the same seed gives the same pairs, and the pairs are what the model saw', async () => {
    const m = await new MaskedLanguageModel({ ...tiny, steps: 2, nsp: true }).fit(X, { items: 8 });
    const ev = await m.evaluateNsp(X, 5);
    expect(ev.pairs).toBe(40);
    expect(ev.split).toBe(3);
    expect(ev.accuracy).toBeGreaterThanOrEqual(0);
    expect(ev.accuracy).toBeLessThanOrEqual(1);
    expect(ev.notNextShare).toBeGreaterThan(0.2); // 50/50 labels
    expect(ev.notNextShare).toBeLessThan(0.8);
    expect(ev.observed.shape).toEqual([40, 6]);
    // A is always the row's own first half; an IsNext B its own second half (where not masked or replaced).
    let agree = 0, seen = 0;
    for (let s = 0; s < 40; s++) for (let t = 0; t < 6; t++) {
      if (t >= 3 && ev.isNotNext.data[s]) continue;
      const o = ev.observed.data[s * 6 + t]!;
      if (o < 0) continue;
      seen++;
      agree += o === X.data[s * 6 + t] ? 1 : 0;
    }
    expect(agree / seen).toBeGreaterThan(0.95); // only the 1.5 % random replacements differ
    const again = await m.evaluateNsp(X, 5);
    expect(again.accuracy).toBe(ev.accuracy);
    expect(Array.from(again.isNotNext.data)).toEqual(Array.from(ev.isNotNext.data));
    await expect(new MaskedLanguageModel({ ...tiny, steps: 2 }).fit(X, { items: 8 }).then((p) => p.evaluateNsp(X))).rejects.toThrow(/trained without it/);
    await expect(m.evaluateNsp(new Tensor('int32', [1, 6]))).rejects.toThrow(/at least 2 sequences/);
  });

  it('learns next-sentence prediction well above chance on a near-deterministic chain (onnxruntime, 1500 steps)', async () => {
    // One favoured successor per item; its stationary law is spread enough (max π 0.35) that a random B rarely looks like a continuation.
    const c = markovChain({ items: 12, successors: 1, floor: 0.1, seed: 5 });
    const train = sampleMarkov(c, 2000, 8, new Philox(3, 1)), test = sampleMarkov(c, 400, 8, new Philox(3, 2));
    const m = await new MaskedLanguageModel({ ...tiny, batchSize: 32, steps: 1500, lr: 3e-3, nsp: true, backend: 'onnxruntime' }).fit(train, { items: 12 });
    const ev = await m.evaluateNsp(test);
    const bayes = bayesNspAccuracy(c, ev.observed, ev.isNotNext, ev.split);
    console.log(`NSP: accuracy ${ev.accuracy.toFixed(4)} vs Bayes ${bayes.accuracy.toFixed(4)} on ${ev.pairs} pairs`);
    expect(bayes.accuracy).toBeGreaterThan(0.72); // 0.82 on clean pairs; masks hide some boundary items
    expect(ev.accuracy).toBeGreaterThan(0.65); // chance is 0.5
    expect(ev.accuracy).toBeLessThanOrEqual(bayes.accuracy + 0.06); // no model beats the Bayes rate beyond sampling noise
  });

  it('rejects bad options and inputs by name', async () => {
    expect(() => new MaskedLanguageModel({ maskProb: 1 })).toThrow(/maskProb must be a probability in \(0, 1\)/);
    expect(() => new MaskedLanguageModel({ maskProb: 0 })).toThrow(/maskProb/);
    await expect(new MaskedLanguageModel(tiny).fit(new Tensor('float32', [2, 3]))).rejects.toThrow(/sequences must be int32/);
    await expect(new MaskedLanguageModel(tiny).fit(X, { items: 5 })).rejects.toThrow(/outside \[0, 5\)/);
  });
});

describe('Wav2Vec2 and w2v-BERT', () => {
  it('fits, evaluates contrastive accuracy and code perplexity ≤ G·V, and transforms to [n, T, d]', async () => {
    const m = await new Wav2Vec2({ ...w2vTiny, steps: 2 }).fit(frames);
    const ev = await m.evaluate(frames);
    expect(ev.maxPerplexity).toBe(8);
    expect(ev.codebookPerplexity).toBeGreaterThanOrEqual(1);
    expect(ev.codebookPerplexity).toBeLessThanOrEqual(8 + 1e-9);
    expect(ev.contrastiveAccuracy).toBeGreaterThanOrEqual(0);
    const ctx = await m.transform(frames);
    expect(ctx.shape).toEqual([12, 10, 8]);
    const file = join(dir, 'wav2vec.onnx');
    await m.exportOnnx(file);
    const out = await (await (await getBackend('reference')).compile(importOnnx(new Uint8Array(readFileSync(file))))).run({ frames });
    for (let i = 0; i < ctx.size; i += 37) expect(out.context!.data[i]).toBeCloseTo(ctx.data[i]!, 4);
    const bert = await new Wav2Vec2({ ...w2vTiny, steps: 2, mlmLayers: 1 }).fit(frames);
    expect(bert.lossCurve_).toHaveLength(2);
    const bertEval = await bert.evaluate(frames); // the MLM head's weights feed no evaluation graph
    expect(bertEval.maxPerplexity).toBe(8);
  });

  it('anneals τ from tauStart to tauMin', () => {
    const m = new Wav2Vec2({ steps: 100, tauStart: 2, tauMin: 0.5 });
    expect(m.tauAt(0)).toBe(2);
    expect(m.tauAt(35)).toBeCloseTo(1, 6); // halfway in log-space at 35 % of the steps
    expect(m.tauAt(100)).toBe(0.5);
  });

  it('rejects bad options and inputs by name', async () => {
    expect(() => new Wav2Vec2({ maskProb: 1.5 })).toThrow(/maskProb must be a probability in \(0, 1\)/);
    expect(() => new Wav2Vec2({ K: 0 })).toThrow(/K must be a positive integer/);
    expect(() => new Wav2Vec2({ tauStart: 0 })).toThrow(/tau must be positive/);
    expect(() => new Wav2Vec2({ tauMin: -1 })).toThrow(/tau must be positive/);
    await expect(new Wav2Vec2({ ...w2vTiny, spanLength: 12 }).fit(frames)).rejects.toThrow(/length 10 are shorter than the span length 12/);
  });
});
