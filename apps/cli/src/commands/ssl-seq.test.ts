// `repkit ssl mlm | wav2vec` through a commander group built here (the lead wires it into `repkit ssl`):
// the JSON line has the documented fields, and bad input fails with the argument named.
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addSequenceCommands } from './ssl-seq.ts';

function group(): Command {
  const g = new Command('ssl').exitOverride();
  addSequenceCommands(g);
  return g;
}

async function json(...args: string[]): Promise<Record<string, unknown>> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((s: unknown) => void lines.push(String(s)));
  try {
    await group().parseAsync([...args, '--json'], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(lines.at(-1)!) as Record<string, unknown>;
}

afterEach(() => vi.restoreAllMocks());

describe('repkit ssl mlm | wav2vec', () => {
  it('mlm prints the masked-token accuracy beside the Bayes-optimal accuracy of the same masked positions', async () => {
    const r = await json('mlm', '--backend', 'reference', '--steps', '3', '--batch', '4', '--train', '50', '--test', '20', '--length', '8', '--dim', '16', '--layers', '1', '--heads', '2');
    expect(r).toMatchObject({ method: 'bert-mlm', backend: 'reference', seed: 0, steps: 3 });
    expect(r.bayesOptimalAccuracy as number).toBeGreaterThan(0.3); // the chain's neighbours are informative …
    expect(r.bayesOptimalAccuracy as number).toBeLessThan(0.95); // … but not decisive
    expect(r.maskedAccuracy as number).toBeGreaterThanOrEqual(0);
    expect(r.positions as number).toBeGreaterThan(0);
  });

  it('mlm --nsp prints the next-sentence accuracy on held-out pairs beside chance and the Bayes-optimal rate', async () => {
    const r = await json('mlm', '--nsp', '--backend', 'reference', '--steps', '2', '--batch', '4', '--train', '40', '--test', '20', '--length', '6', '--dim', '16', '--layers', '1', '--heads', '2');
    expect(r).toMatchObject({ method: 'bert-mlm-nsp', nspChance: 0.5, pairs: 20 });
    for (const k of ['nspAccuracy', 'nspBayesOptimalAccuracy', 'pairMaskedAccuracy']) {
      expect(r[k] as number).toBeGreaterThanOrEqual(0);
      expect(r[k] as number).toBeLessThanOrEqual(1);
    }
  });

  it('wav2vec prints contrastive accuracy among K distractors and the codebook perplexity with its maximum', async () => {
    const r = await json('wav2vec', '--backend', 'reference', '--steps', '2', '--batch', '2', '--train', '8', '--test', '4', '--length', '12', '--dim', '8', '--K', '3', '--entries', '4');
    expect(r).toMatchObject({ method: 'wav2vec2', backend: 'reference', seed: 0, K: 3, maxPerplexity: 8 });
    expect(r.contrastiveAccuracy as number).toBeGreaterThanOrEqual(0);
    expect(r.codebookPerplexity as number).toBeGreaterThanOrEqual(1);
    expect(r.codebookPerplexity as number).toBeLessThanOrEqual(8);
    expect(r.informative as number).toBeGreaterThanOrEqual(0);
    expect(r.data).toMatchObject({ regimes: 16, stay: 0.95 }); // the defaults the targets were measured on
    const ctx = r.byContext as { nearSwitchShare: number };
    expect(ctx.nearSwitchShare).toBeGreaterThanOrEqual(0);
    expect(ctx.nearSwitchShare).toBeLessThanOrEqual(1);
  });

  it('wav2vec --w2v-bert trains, evaluates and exports the encoder; a second run resumes from its checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'repkit-w2v-cli-'));
    const args = ['wav2vec', '--w2v-bert', '--backend', 'reference', '--steps', '2', '--batch', '2', '--train', '8', '--test', '4', '--length', '12', '--dim', '8', '--K', '3', '--entries', '4', '--checkpoint', join(dir, 'ck')];
    const r = await json(...args, '--export', join(dir, 'w2v.onnx'));
    expect(r).toMatchObject({ method: 'w2v-bert', K: 3, maxPerplexity: 8 });
    expect(r.resumedSteps).toBeUndefined();
    expect(existsSync(join(dir, 'w2v.onnx'))).toBe(true);
    const notes: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((s: unknown) => void notes.push(String(s)));
    const again = await json(...args);
    expect(again.resumedSteps).toBe(2);
    expect(again.contrastiveAccuracy).toBe(r.contrastiveAccuracy);
    expect(notes.join('\n')).toMatch(/wav2vec: resumed from the checkpoint in .*ck: 2 steps restored/);
  });

  it('rejects bad input with the argument named', async () => {
    const run = (...a: string[]): Promise<unknown> => group().parseAsync(a, { from: 'user' });
    await expect(run('mlm', '--mask-prob', '1.5')).rejects.toThrow(/--mask-prob must be a probability in \(0, 1\)/);
    await expect(run('mlm', '--mask-prob', '0')).rejects.toThrow(/--mask-prob/);
    await expect(run('wav2vec', '--mask-prob', '-0.1')).rejects.toThrow(/--mask-prob/);
    await expect(run('wav2vec', '--K', '0')).rejects.toThrow(/--K must be an integer ≥ 1/);
    await expect(run('wav2vec', '--tau-start', '0')).rejects.toThrow(/--tau-start must be a number > 0/);
    await expect(run('wav2vec', '--tau-min', '-1')).rejects.toThrow(/--tau-min/);
    await expect(run('wav2vec', '--tau-min', '3')).rejects.toThrow(/--tau-min \(3\) must be ≤ --tau-start \(2\)/);
    await expect(run('mlm', '--export', '/nonexistent-folder/m.onnx')).rejects.toThrow(/--export: folder \/nonexistent-folder does not exist/);
    await expect(run('wav2vec', '--length', '3', '--span', '4')).rejects.toThrow(/--length \(3\) is shorter than the span length --span \(4\)/);
    await expect(run('wav2vec', '--stay', '1')).rejects.toThrow(/--stay must be a probability in \[0, 1\)/);
    await expect(run('mlm', '--nsp', '--test', '1')).rejects.toThrow(/--test must be an integer ≥ 2/);
    await expect(run('mlm', '--backend', 'gpu')).rejects.toThrow(/--backend must be one of onnxruntime, wasm, reference/);
  });
});
