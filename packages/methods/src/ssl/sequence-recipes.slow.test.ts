// Short training runs on onnxruntime that must learn the structure of the synthetic sequences: masked
// tokens near the Bayes-optimal rate of the known Markov chain, and wav2vec 2.0 picking the true code
// among K = 10 distractors with a well-used codebook. The full targets are measured by `repkit ssl`
// (docs/ssl-sequences-results.md); the MLM bar is for a run half as long.
import { describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import { Philox } from '@repkit/core';
import { bayesMaskedAccuracy, markovChain, sampleMarkov, sampleSwitching, switchingProcess } from '@repkit/data';
import { MaskedLanguageModel } from './masked-language-model.ts';
import { Wav2Vec2 } from './wav2vec2.ts';

describe('sequence self-supervision on onnxruntime', () => {
  it('BERT MLM comes within 6 points of the Bayes-optimal masked-token accuracy in 1500 steps', async () => {
    const chain = markovChain({ items: 30, seed: 0 });
    const train = sampleMarkov(chain, 20000, 16, new Philox(0, 1)), test = sampleMarkov(chain, 2000, 16, new Philox(0, 2));
    const m = await new MaskedLanguageModel({ backend: 'onnxruntime', steps: 1500, lr: 3e-3 }).fit(train, { items: 30 });
    const ev = await m.evaluateMasked(test);
    const bayes = bayesMaskedAccuracy(chain, test, ev.observed, ev.selected);
    console.log(`MLM: masked accuracy ${ev.accuracy.toFixed(4)} vs Bayes ${bayes.accuracy.toFixed(4)} on ${ev.positions} positions`);
    expect(bayes.accuracy - ev.accuracy).toBeLessThan(0.06);
    expect(ev.accuracy).toBeGreaterThan(0.6); // a bigram guess from one neighbour gets ≈ 0.5 on this chain
  });

  it('wav2vec 2.0 picks the true quantised target among 10 distractors ≥ 90 % of the time in 5000 steps, perplexity ≥ G·V/2', async () => {
    const proc = switchingProcess({ seed: 0 }); // the CLI's process: 16 regimes, stay 0.95; α is the paper's 0.1
    const train = sampleSwitching(proc, 4000, 32, new Philox(0, 1)).frames, test = sampleSwitching(proc, 256, 32, new Philox(0, 2));
    const m = await new Wav2Vec2({ backend: 'onnxruntime' }) /* 5000 steps */.fit(train);
    const ev = await m.evaluate(test.frames, 12345, test.regimes);
    console.log(`wav2vec 2.0: contrastive accuracy ${ev.contrastiveAccuracy.toFixed(4)}, perplexity ${ev.codebookPerplexity.toFixed(2)} of ${ev.maxPerplexity}`);
    expect(ev.contrastiveAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(ev.byContext!.sameRegime).toBeGreaterThanOrEqual(0.85); // where the context determines the regime
    expect(ev.codebookPerplexity).toBeGreaterThanOrEqual(ev.maxPerplexity / 2);
  });
});
