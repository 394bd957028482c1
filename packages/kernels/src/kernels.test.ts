// What a user of the API notices: which engine runs and why, and errors that name the argument and the fix.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Philox } from '@repkit/core';
import { bernoulliHeadProbabilities, kernels, kernelsInfo } from './index.ts';

const k = kernels('typescript');

describe('engine choice', () => {
  it('kernelsInfo names the engine in use and a reason for every other one', () => {
    const info = kernelsInfo();
    expect(info.engine).toBe(kernels().engine.name);
    expect(info.engines.typescript.available).toBe(true);
    for (const [name, e] of Object.entries(info.engines)) {
      if (name !== info.engine) expect(e.reason, name).toMatch(/.+/);
    }
    expect(info.engines.wasm.available).toBe(true);
    expect(info.engines.wasm.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('REPKIT_KERNELS forces an engine, and a bad value is named', () => {
    const index = fileURLToPath(new URL('./index.ts', import.meta.url));
    const run = (v: string) => execFileSync(process.execPath, ['--import', 'tsx', '-e',
      `import('${index}').then((m) => { try { const i = m.kernelsInfo(); console.log(i.engine + ' ' + i.why); } catch (e) { console.log(e.message); } })`],
    { encoding: 'utf8', env: { ...process.env, REPKIT_KERNELS: v } }).trim();
    expect(run('typescript')).toBe('typescript REPKIT_KERNELS=typescript');
    expect(run('wasm')).toBe('wasm REPKIT_KERNELS=wasm');
    expect(run('gpu')).toMatch(/^null REPKIT_KERNELS must be one of native, wasm, typescript/);
  });

  it('asking for an unknown engine names the choices', () => {
    expect(() => kernels('cuda' as 'wasm')).toThrow(/engine must be one of native, wasm, typescript/);
  });
});

describe('validation at the boundary', () => {
  const rng = new Philox(1);

  it('streams', () => {
    expect(() => k.u32(rng, -1)).toThrow(/n must be an integer/);
    expect(() => k.integers(rng, 3, 5, 5)).toThrow(/lo < hi/);
    expect(() => k.uniforms(rng, 3, 0, Infinity)).toThrow(/finite/);
    expect(() => k.normals({} as Philox, 3)).toThrow(/rng must be a Philox/);
  });

  it('scores', () => {
    const q = new Float64Array(6), e = new Float64Array(9);
    expect(() => k.score(q, e, { dim: 4 })).toThrow(/whole rows of options.dim = 4/);
    expect(() => k.score(q, e, { dim: 3, metric: 'cos' as 'l1' })).toThrow(/options.metric must be one of l1, l2, l2-squared/);
    expect(() => k.score(new Float32Array(6) as unknown as Float64Array, e, { dim: 3 })).toThrow(/queries must be a Float64Array.*Float64Array.from/);
    q[4] = NaN;
    expect(() => k.score(q, e, { dim: 3 })).toThrow(/queries\[4\] is NaN/);
    expect(k.score(new Float64Array(0), e, { dim: 3 })).toHaveLength(0);
    expect(() => k.score(new Float64Array(6), e, { dim: 3, out: new Float64Array(5) })).toThrow(/options.out holds 5 values; the scores need B×E = 2×3 = 6/);
  });

  it('scores into a caller\'s buffer, a view at an offset included, on every engine here', () => {
    const rng2 = new Philox(9);
    const q = rng2.uniforms(2 * 5), e = rng2.uniforms(7 * 5);
    for (const name of ['native', 'wasm', 'typescript'] as const) {
      if (!kernelsInfo().engines[name].available) continue;
      const eng = kernels(name), want = eng.score(q, e, { dim: 5, metric: 'l2' });
      const backing = new Float64Array(20).fill(-1), view = backing.subarray(3, 17);
      expect(eng.score(q, e, { dim: 5, metric: 'l2', out: view })).toBe(view);
      expect(Array.from(view), name).toEqual(Array.from(want));
      expect([backing[2], backing[17]], name).toEqual([-1, -1]);
    }
  });

  it('negatives', () => {
    const t = Int32Array.of(0, 0, 1);
    expect(() => k.negatives(t, rng, { numEntities: 1 })).toThrow(/at least 2/);
    expect(() => k.negatives(Int32Array.of(0, 0, 7), rng, { numEntities: 5 })).toThrow(/tail column.*outside \[0, 5\)/);
    expect(() => k.negatives(t, rng, { numEntities: 5, mode: 'bernoulli' })).toThrow(/headProbability.*bernoulliHeadProbabilities/);
    expect(() => k.negatives(t, rng, { numEntities: 5, mode: 'both' as 'uniform' })).toThrow(/options.mode must be/);
    expect(() => k.negatives(Int32Array.of(0, 1), rng, { numEntities: 5 })).toThrow(/multiple of 3/);
  });

  it('Bernoulli head probabilities are |tails| / (|heads| + |tails|) per relation', () => {
    // Relation 0: one head, three tails (1-to-N): corrupt the head mostly. Relation 2 is unused: ½.
    const p = bernoulliHeadProbabilities(Int32Array.of(0, 0, 1, 0, 0, 2, 0, 0, 3, 4, 1, 5, 6, 1, 5), 3);
    expect(Array.from(p)).toEqual([0.75, 1 / 3, 0.5]);
  });

  it('ranks, top-k and CSR', () => {
    const s = new Float64Array(6);
    const known = { offsets: Int32Array.of(0, 0, 0), indices: new Int32Array(0) };
    expect(() => k.filteredRanks(s, Int32Array.of(0, 3), known)).toThrow(/trueIds\[1\] = 3 is outside \[0, 3\)/);
    expect(() => k.filteredRanks(s, Int32Array.of(0, 1), { offsets: Int32Array.of(0, 1), indices: Int32Array.of(0) })).toThrow(/3 offsets/);
    expect(() => k.filteredRanks(s, Int32Array.of(0, 1), { offsets: Int32Array.of(0, 2, 2), indices: Int32Array.of(2, 1) })).toThrow(/sorted ascending/);
    s[2] = NaN;
    expect(() => k.filteredRanks(s, Int32Array.of(0, 1), known)).toThrow(/1 NaN/);
    expect(() => k.topK(s, 3, 1)).toThrow(/NaN entries/);
    expect(() => k.topK(new Float64Array(6), 3, 4)).toThrow(/k must be at most cols = 3/);
    expect(() => k.csr(Int32Array.of(0, 3), Int32Array.of(0, 1), 3)).toThrow(/src\[1\] = 3 is outside \[0, 3\)/);
    expect(() => k.csr(Int32Array.of(0), Int32Array.of(0, 1), 3)).toThrow(/one entry per edge/);
  });
});
