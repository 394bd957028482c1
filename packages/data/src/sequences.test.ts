// The sequence generators are seeded and follow their laws; the masked-token posterior equals brute-force
// enumeration over every sequence, so the Bayes rate reported beside our models is exact.
import { describe, expect, it } from 'vitest';
import { Philox, Tensor } from '@repkit/core';
import {
  BERT_CORRUPTION, MASKED, bayesMaskedAccuracy, bayesNspAccuracy, corruptedLogLikelihood, markovChain, maskedPosteriors, sampleMarkov, sampleSwitching, switchingProcess,
} from './sequences.ts';

describe('Markov token sequences', () => {
  it('has row-stochastic transitions, a stationary π, and is reproducible from its seed', () => {
    const c = markovChain({ items: 20, seed: 3 });
    for (let i = 0; i < 20; i++) expect(c.P.subarray(i * 20, i * 20 + 20).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let j = 0; j < 20; j++) {
      let s = 0;
      for (let i = 0; i < 20; i++) s += c.pi[i]! * c.P[i * 20 + j]!;
      expect(s).toBeCloseTo(c.pi[j]!, 12);
    }
    expect(markovChain({ items: 20, seed: 3 }).P).toEqual(c.P);
    expect(markovChain({ items: 20, seed: 4 }).P).not.toEqual(c.P);
  });

  it('samples with the chain’s empirical transition frequencies', () => {
    const c = markovChain({ items: 5, successors: 2, seed: 1 });
    const x = sampleMarkov(c, 400, 50, new Philox(7));
    const counts = new Float64Array(25), rows = new Float64Array(5);
    for (let s = 0; s < 400; s++) for (let t = 1; t < 50; t++) {
      const a = x.data[s * 50 + t - 1]!, b = x.data[s * 50 + t]!;
      counts[a * 5 + b]++;
      rows[a]++;
    }
    for (let k = 0; k < 25; k++) expect(Math.abs(counts[k]! / rows[Math.floor(k / 5)]! - c.P[k]!)).toBeLessThan(0.03);
  });

  it('gives the exact posterior of a masked token: forward–backward equals enumeration of every sequence', () => {
    const c = markovChain({ items: 4, successors: 2, seed: 2 });
    const T = 5, V = 4;
    const observed = [2, MASKED, MASKED, 1, 3]; // adjacent masks and a possibly-corrupted visible token
    const post = maskedPosteriors(c, observed);
    const { select, mask, random } = BERT_CORRUPTION;
    const sel = (o: number, x: number): number => (o === MASKED ? mask : random / V + (o === x ? 1 - mask - random : 0));
    const emit = (o: number, x: number): number => (1 - select) * (o === x ? 1 : 0) + select * sel(o, x);
    for (let t = 0; t < T; t++) {
      const brute = new Float64Array(V);
      for (let code = 0; code < V ** T; code++) {
        const x = Array.from({ length: T }, (_, i) => Math.floor(code / V ** i) % V);
        let p = c.pi[x[0]!]!;
        for (let i = 1; i < T; i++) p *= c.P[x[i - 1]! * V + x[i]!]!;
        for (let i = 0; i < T; i++) p *= i === t ? sel(observed[i]!, x[i]!) : emit(observed[i]!, x[i]!);
        brute[x[t]!] += p;
      }
      const z = brute.reduce((a, b) => a + b, 0);
      for (let x = 0; x < V; x++) expect(post[t * V + x]).toBeCloseTo(brute[x]! / z, 12);
    }
  });

  it('scores the Bayes decision on selected positions only', () => {
    const c = markovChain({ items: 6, successors: 1, floor: 0.05, seed: 0 });
    const items = sampleMarkov(c, 50, 12, new Philox(1));
    const observed = new Tensor('int32', items.shape, Int32Array.from(items.data, (v, i) => (i % 3 === 1 ? MASKED : v)));
    const selected = new Tensor('int32', items.shape, Int32Array.from(items.data, (_, i) => (i % 3 === 1 ? 1 : 0)));
    const r = bayesMaskedAccuracy(c, items, observed, selected);
    expect(r.positions).toBe(50 * 4);
    // A near-deterministic chain: the left neighbour alone nearly decides the masked token.
    expect(r.accuracy).toBeGreaterThan(0.8);
    expect(r.expected).toBeGreaterThan(0.8);
  });

  it('gives the exact likelihood of a corrupted segment (forward recursion equals enumeration)', () => {
    const c = markovChain({ items: 3, successors: 1, seed: 4 });
    const V = 3, observed = [1, MASKED, 0, 2];
    const { select, mask, random } = BERT_CORRUPTION;
    const emit = (o: number, x: number): number => (1 - select) * (o === x ? 1 : 0) + select * (o === MASKED ? mask : random / V + (o === x ? 1 - mask - random : 0));
    let brute = 0;
    for (let code = 0; code < V ** 4; code++) {
      const x = Array.from({ length: 4 }, (_, i) => Math.floor(code / V ** i) % V);
      let p = c.pi[x[0]!]! * emit(observed[0]!, x[0]!);
      for (let i = 1; i < 4; i++) p *= c.P[x[i - 1]! * V + x[i]!]! * emit(observed[i]!, x[i]!);
      brute += p;
    }
    expect(corruptedLogLikelihood(c, observed)).toBeCloseTo(Math.log(brute), 12);
  });

  it('decides next-sentence pairs by p(A B) against p(A)·p(B): on clean pairs, IsNext exactly when P(a, b) > π(b)', () => {
    const c = markovChain({ items: 5, successors: 1, floor: 0.2, seed: 3 });
    const clean = { select: 1e-12, mask: 0.8, random: 0.1 };
    const rows: number[] = [], labels: number[] = [];
    for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) {
      rows.push(a, b);
      labels.push(c.P[a * 5 + b]! > c.pi[b]! ? 0 : 1); // the Bayes decision, so accuracy 1
    }
    const r = bayesNspAccuracy(c, new Tensor('int32', [25, 2], Int32Array.from(rows)), new Tensor('int32', [25], Int32Array.from(labels)), 1, clean);
    expect(r.accuracy).toBe(1);
    expect(r.positions).toBe(25);
    // A masked boundary item carries less evidence: the posterior moves toward ½.
    const masked = bayesNspAccuracy(c, new Tensor('int32', [1, 2], Int32Array.from([0, MASKED])), new Tensor('int32', [1], Int32Array.from([0])), 1);
    expect(masked.expected).toBeLessThan(0.6);
    expect(() => bayesNspAccuracy(c, new Tensor('int32', [1, 2]), new Tensor('int32', [1]), 2)).toThrow(/split must be an integer in \[1, 1\]/);
  });
});

describe('switching frame sequences', () => {
  it('stays in a regime with the given probability and pulls frames toward its mean', () => {
    const p = switchingProcess({ regimes: 4, dim: 3, stay: 0.9, sigma: 0, seed: 5 });
    const { frames, regimes } = sampleSwitching(p, 200, 40, new Philox(2));
    expect(frames.shape).toEqual([200, 40, 3]);
    let same = 0, pairs = 0;
    for (let s = 0; s < 200; s++) for (let t = 1; t < 40; t++, pairs++) same += regimes.data[s * 40 + t] === regimes.data[s * 40 + t - 1] ? 1 : 0;
    expect(Math.abs(same / pairs - 0.9)).toBeLessThan(0.02);
    // σ = 0 and the first frame starts at its mean: while the regime stays, the frame stays at that mean.
    const k = regimes.data[0]!;
    if (regimes.data[1] === k) for (let d = 0; d < 3; d++) expect(frames.data[3 + d]).toBeCloseTo(p.means[k * 3 + d]!, 5);
    expect(sampleSwitching(p, 2, 5, new Philox(2)).frames.data).toEqual(sampleSwitching(p, 2, 5, new Philox(2)).frames.data);
  });

  it('rejects bad settings by name', () => {
    expect(() => switchingProcess({ stay: 1 })).toThrow(/stay/);
    expect(() => markovChain({ items: 1 })).toThrow(/items/);
    expect(() => markovChain({ floor: 0 })).toThrow(/floor/);
  });
});
