// `repkit semi <recipe>` through the real binary: JSON on the last line, a checkpoint that resumes and
// says so, and bad input (labels, backends, thresholds, output paths) failing before training, flag named.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repkit } from '../run-bin.ts';

const dir = mkdtempSync(join(tmpdir(), 'repkit-semi-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const last = (stdout: string): Record<string, unknown> => JSON.parse(stdout.trim().split('\n').at(-1)!);

describe('repkit semi <recipe>', () => {
  it('fixmatch checkpoints, exports, and a second run resumes from the checkpoint and says so', async () => {
    const ckpt = join(dir, 'ckpt', 'fixmatch'), onnx = join(dir, 'fixmatch.onnx');
    const args = ['semi', 'fixmatch', '--labels', '50', '--steps', '20', '--backend', 'onnxruntime', '--checkpoint', ckpt, '--json'];
    const first = await repkit(...args, '--export', onnx);
    expect(first.stderr).not.toMatch(/repkit:|resumed/);
    expect(first.code).toBe(0);
    const a = last(first.stdout);
    expect(a).toMatchObject({ method: 'fixmatch', backend: 'onnxruntime', labels: 50, steps: 20, testImages: 797, onnx });
    expect(a.resumedSteps).toBeUndefined();
    expect(existsSync(onnx)).toBe(true);
    const again = await repkit(...args);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/resumed from the checkpoint in .*fixmatch: 20 of 20 steps restored/);
    const b = last(again.stdout);
    expect(b.resumedSteps).toBe(20);
    expect(b.accuracy).toBe(a.accuracy);
    const longer = await repkit(...args.map((x) => (x === '20' ? '30' : x)));
    expect(longer.code).not.toBe(0);
    expect(longer.stderr).toMatch(/written with other settings \(steps: 20 in the checkpoint, 30 now\)/);
  });

  it.each([
    [['semi', 'fixmatch', '--labels', '5'], /--labels must be a multiple of the 10 classes from 10 to the pool's 1000 .*got 5/],
    [['semi', 'distill', '--teacher-labels', '5'], /--teacher-labels must be a multiple of the 10 classes .*got 5/],
    [['semi', 'fixmatch', '--backend', 'tfjs'], /--backend: unknown backend 'tfjs'; choose from reference, onnxruntime, wasm/],
    [['semi', 'fixmatch', '--backend', 'onnxruntime,wasm'], /--backend takes one backend, got 'onnxruntime,wasm'/],
    [['semi', 'fixmatch', '--threshold', '1.5'], /--threshold must be a probability in \(0, 1\), got '1.5'/],
    [['semi', 'mixmatch', '--temperature', '0'], /--temperature must be a number > 0, got '0'/],
    [['semi', 'entmin', '--threshold', '0.9'], /--threshold applies to fixmatch and selftrain only, not entmin/],
    [['semi', 'fixmatch', '--teacher-labels', '50'], /--teacher-labels applies to distill only, not fixmatch/],
    [['semi', 'fixmatch', '--export', '/nonexistent-folder/m.onnx'], /--export: folder \/nonexistent-folder does not exist/],
    [['semi', 'fixmatch', '--export', tmpdir()], /--export: .* is a folder; pass a file name such as model.onnx/],
  ])('%j fails naming the argument', async (args, message) => {
    const r = await repkit(...args, '--steps', '1');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it('a --checkpoint under a file fails before training, naming the flag', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const r = await repkit('semi', 'supervised', '--checkpoint', join(file, 'ck'), '--steps', '1');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--checkpoint: .*a-file is not a folder/);
  });
});
