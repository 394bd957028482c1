// `repkit kge` through the real binary: what a run used is recorded, output paths fail before training,
// a checkpoint is never overwritten by a shorter run, and each bad argument is named.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetsDir } from '@repkit/data';
import { BIN, repkit } from '../run-bin.ts';

const dir = mkdtempSync(join(tmpdir(), 'repkit-kge-'));
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

describe('repkit kge', () => {
  it('train records the learning rate a default resolves to and an absolute dataset folder; evaluate reads the model back from anywhere', async () => {
    const data = join(dir, 'kg');
    cpSync(join(datasetsDir(), 'nations'), data, { recursive: true });
    const out = join(dir, 'model');
    const r = await repkit('kge', 'train', '--dataset', data, '--epochs', '2', '--dim', '8', '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ lr: 0.001, epochs: 2, dataset: 'kg' });
    const index = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { dataset: string; settings: { lr: number } };
    expect([index.dataset, index.settings.lr]).toEqual([data, 0.001]);
    const e = await repkit('kge', 'evaluate', '--model', out, '--json');
    expect(e.code, e.stderr).toBe(0);
  });

  it('early stopping shows in the JSON: epochs run and the epoch kept', async () => {
    const r = await repkit('kge', 'train', '--dataset', 'nations', '--epochs', '60', '--dim', '8', '--lr', '0.01', '--early-stopping', '2', '--patience', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = lastJson(r.stdout);
    expect(j.epochs).toBe(60);
    expect(j.epochsRun as number).toBeLessThan(60);
    expect(j.bestEpoch as number).toBeLessThanOrEqual(j.epochsRun as number);
  });

  it('resume: a shorter run is refused and leaves the checkpoint as it was; a missing checkpoint is said', async () => {
    const ck = join(dir, 'ck');
    expect((await repkit('kge', 'train', '--dataset', 'nations', '--epochs', '3', '--dim', '8', '--checkpoint', ck)).code).toBe(0);
    const before = readFileSync(join(ck, 'checkpoint.json'), 'utf8');
    const short = await repkit('kge', 'train', '--dataset', 'nations', '--epochs', '2', '--dim', '8', '--checkpoint', ck, '--resume');
    expect(short.code).not.toBe(0);
    expect(short.stderr).toMatch(/epochs = 2 is fewer than the 3 epochs the checkpoint in .* holds/);
    expect(readFileSync(join(ck, 'checkpoint.json'), 'utf8')).toBe(before);
    const fresh = await repkit('kge', 'train', '--dataset', 'nations', '--epochs', '1', '--dim', '8', '--checkpoint', join(dir, 'ck-new'), '--resume');
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).toMatch(/--resume: no checkpoint in .*ck-new yet, so training started at epoch 1/);
  });

  it('names the argument that is wrong, before any training', async () => {
    const model = join(dir, 'model');
    const cases: [string[], RegExp][] = [
      [['kge', 'train', '--dataset', 'nations', '--epochs', '1', '--loss', 'foo'], /loss must be 'margin' or 'softplus', got 'foo'/],
      [['kge', 'train', '--dataset', 'nations', '--epochs', '1', '--out', '/proc/repkit-nope'], /--out: cannot create folder \/proc\/repkit-nope/],
      [['kge', 'export', '--model', model, '--out', join(dir, 'no', 'x.onnx')], /--out: folder .* does not exist/],
      [['kge', 'export', '--model', model, '--out', dir], /--out: .* is a folder; pass a file name/],
      [['kge', 'score', '--model', model, '--head', 'usa', '--relation', 'embassy'], /--model: .* is a folder; score takes an exported file: run 'repkit kge export/],
      [['kge', 'score', '--model', join(dir, 'missing.onnx'), '--head', 'usa', '--relation', 'embassy'], /--model: cannot read .*missing\.onnx as an ONNX file \(ENOENT\)/],
      [['kge', 'score', '--model', BIN, '--head', 'usa', '--relation', 'embassy'], /--model: cannot read .* as an ONNX file \(not an ONNX model/],
    ];
    for (const [args, re] of cases) {
      const r = await repkit(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(re);
      expect(r.stdout, args.join(' ')).not.toMatch(/MRR/); // failed before training
    }
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('a reader that closes the pipe early ends the command quietly', async () => {
    const child = spawn(process.execPath, [BIN, 'doctor', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // as `| head -c 0` would
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });
});
