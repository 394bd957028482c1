// `repkit ssl` through the real binary: one JSON object on the last line with --json, and errors that
// name the argument for bad probe sizes, temperatures, methods, backends and image sizes.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repkit } from '../run-bin.ts';
import { getBackend } from '@repkit/core';
import { digitsSplit, loadDigits, takeRows } from '@repkit/data';
import { importOnnx } from '@repkit/onnx';

const dir = mkdtempSync(join(tmpdir(), 'repkit-ssl-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('repkit ssl', () => {
  it('simclr: a few steps on onnxruntime print the human line and the JSON object, and export the encoder', async () => {
    const onnx = join(dir, 'simclr.onnx'), classifier = join(dir, 'simclr-classifier.onnx');
    const r = await repkit('ssl', 'simclr', '--data', 'digits', '--probe-labels', '50', '--seed', '0', '--backend', 'onnxruntime', '--steps', '5', '--batch-size', '32', '--export', onnx, '--export-classifier', classifier, '--json');
    expect(r.stderr).not.toMatch(/repkit:/);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.at(-2)).toMatch(/^simclr on digits \(5 steps, seed 0, onnxruntime\), layer 2: probe accuracy [\d.]+ % with 50 labels/);
    const out = JSON.parse(lines.at(-1)!);
    expect(out).toMatchObject({ method: 'simclr', backend: 'onnxruntime', seed: 0, probeLabels: 50, layer: 2, steps: 5 });
    for (const k of ['probeAccuracy', 'probeAccuracyPool', 'randomEncoderProbeAccuracy', 'seconds']) expect(out[k], k).toBeGreaterThan(0);
    expect(out.probeAccuracy).toBeGreaterThan(0.6);
    expect(existsSync(onnx)).toBe(true);
    // The classifier export (encoder + probe, scaler folded into the probe) scores as the probe did.
    expect(out.classifierOnnx).toBe(classifier);
    const run = await (await getBackend('reference')).compile(importOnnx(new Uint8Array(readFileSync(classifier))));
    const { X, y } = loadDigits(), test = digitsSplit().test;
    const label = (await run.run({ x: takeRows(X, test) })).label!; // loadDigits gives pixels / 16, as the recipes train on
    let hit = 0;
    test.forEach((r, i) => { hit += label.data[i] === y.data[r] ? 1 : 0; });
    expect(Math.abs(hit - out.probeAccuracy * test.length)).toBeLessThanOrEqual(1);
  });

  it.each([
    [['ssl', 'simclr', '--probe-labels', '5'], /--probe-labels must be from 10 \(one per class\) to 1000 \(the pool\), got 5/],
    [['ssl', 'simclr', '--probe-labels', '1001'], /--probe-labels must be from 10 .* got 1001/],
    [['ssl', 'simclr', '--tau', '0'], /--tau must be a temperature > 0, got '0'/],
    [['ssl', 'ressl', '--tau-teacher', '-0.1'], /--tau-teacher must be a temperature > 0, got '-0.1'/],
    [['ssl', 'byol'], /unknown method 'byol'; choose one of simclr, rotnet, ressl, mlm, wav2vec/],
    [['ssl'], /give a method before the options: simclr, rotnet, ressl, mlm, wav2vec/],
    [['ssl', 'rotnet', '--tau', '0.2'], /--tau applies to simclr only, not rotnet/],
    [['ssl', 'simclr', 'rotnet'], /too many arguments for 'simclr'/],
    [['ssl', 'simclr', '--bogus'], /unknown option '--bogus'/],
    [['ssl', 'mlm', 'extra'], /too many arguments for 'mlm'/],
    [['ssl', 'simclr', '--momentum', '0.9'], /--momentum applies to ressl only, not simclr/],
    [['ssl', 'ressl', '--momentum', '1.5'], /--momentum must be a number in \[0, 1\) .*got '1.5'/],
    [['ssl', 'simclr', '--export', '/nonexistent-folder/e.onnx'], /--export: folder \/nonexistent-folder does not exist/],
    [['ssl', 'simclr', '--backend', 'tpu'], /--backend must be one of reference, onnxruntime, wasm, got 'tpu'/],
    [['ssl', 'rotnet', '--image-shape', '10x10'], /--image-shape: the mlp encoder takes 10×10 images \(100 values per row\), but --data digits has 64 values per row/],
    [['ssl', 'simclr', '--encoder', 'cnn', '--image-shape', '7x7'], /--image-shape: the cnn encoder max-pools by 2 and needs even sizes, got 7x7/],
    [['ssl', 'simclr', '--data', 'cifar'], /--data must be digits/],
    [['ssl', 'simclr', '--layer', '3'], /--layer must be 1..2 for the mlp encoder, got 3/],
  ])('%j fails naming the argument', async (args, message) => {
    const r = await repkit(...args, '--steps', '1');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });
});
