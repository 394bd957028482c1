// A train step with non-zero optimizer state, and an exported model with baked weights, on
// onnxruntime against the float64 reference. (Every op and gradient: packages/conformance.)
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Philox, adam, crossEntropy, interpret, mlp, mlpInit, mlpParams, scalar, trace, trainStep, Tensor,
} from '@repkit/core';
import { exportOnnx } from '@repkit/onnx';
import { maxRelErr } from '@repkit/conformance';
import { OrtBackend } from './backend.ts';
import { fromOrt, toOrt } from './tensors.ts';

const backend = new OrtBackend({ device: 'cpu' });
afterAll(() => backend.dispose());

const SIZES = [4, 8, 3];
const rng = new Philox(11);
const init = mlpInit(rng, SIZES);
const uniform = (shape: number[], lo: number, hi: number): Tensor =>
  new Tensor('float32', shape, Float32Array.from(rng.uniforms(shape.reduce((p, q) => p * q, 1), lo, hi)));
const batch = { x: uniform([6, 4], -2, 2), labels: new Tensor('int32', [6], Int32Array.of(0, 2, 1, 2, 0, 1)) };
const lossGraph = trace('mlp', (b) => {
  const x = b.data('x', 'float32', ['batch', 4]);
  return { loss: crossEntropy(mlp(x, mlpParams(b, SIZES)), b.data('labels', 'int32', ['batch'])) };
});

describe('train step on onnxruntime', () => {
  it('one Adam step at t = 3 with non-zero moments matches the reference in every output', async () => {
    const step = trainStep(lossGraph, { optimizer: adam({ lr: 0.05, weightDecay: 1e-3 }) });
    const feeds: Record<string, Tensor> = { ...batch, ...init };
    for (const name of step.params) {
      feeds[step.stateName(name, 'm')] = uniform([...init[name]!.shape], -0.1, 0.1);
      feeds[step.stateName(name, 'v')] = uniform([...init[name]!.shape], 1e-3, 1e-2);
    }
    for (const [h, v] of Object.entries(step.optimizer.hyperAt(3))) feeds[step.hyperName(h)] = scalar(v);
    const want = interpret(step.graph, feeds);
    const got = await (await backend.compile(step.graph)).run(feeds);
    for (const o of step.graph.outputs) expect(maxRelErr(got[o.name]!, want[o.name]!), o.name).toBeLessThan(1e-4);
  });
});

describe('exported model with baked weights', () => {
  it('runs on a plain InferenceSession with only the data as input', async () => {
    const g = trace('mlp', (b) => ({ logits: mlp(b.data('x', 'float32', ['batch', 4]), mlpParams(b, SIZES)) }));
    const session = await ort.InferenceSession.create(exportOnnx(g, { initializers: init }));
    expect(session.inputNames).toEqual(['x']);
    const out = await session.run({ x: toOrt(batch.x, 'float32') });
    await session.release();
    const want = interpret(g, { x: batch.x, ...init }).logits!;
    expect(maxRelErr(fromOrt(out.logits!, 'float32', 'logits'), want)).toBeLessThan(1e-5);
  });
});
