// Gradient graphs (core's grad) and Adam train steps (core's trainStep) on wasm against the reference.
import { describe, expect, it } from 'vitest';
import {
  Philox, ReferenceBackend, Trainer, abs, adam, add, crossEntropy, div, exp, gather, getBackend, grad, greater,
  log, logSoftmax, matmul, max, maximum, mean, mlp, mlpParams, mul, neg, oneHot, relu, scalar, sqrt, sub, sum,
  trace, trainStep, transpose, where, type Graph, type Tensor,
} from '@repkit/core';
import { errorRatio, expectClose, ints, runBoth, uniform } from './testing.ts';

const rng = new Philox(5);

/** A loss that touches most primitives, their VJPs and broadcasting: gather, matmul, logSoftmax on both axes, … */
function mixedLoss(): Graph {
  return trace('mixed', (b) => {
    const E = b.param('E', 'float32', [10, 4]), W = b.param('W', 'float32', [4, 6]), c = b.param('c', 'float32', [6]);
    const ids = b.data('ids', 'int32', ['batch', 3]), y = b.data('y', 'int32', ['batch']);
    const h = mean(gather(E, ids), 1);
    const z = add(matmul(h, W), c);
    const a = maximum(relu(z), mul(z, 0.1));
    const n = sqrt(add(sum(mul(a, a), 1, true), 1e-3));
    const e = div(exp(sub(a, max(a, 1, true))), n);
    const l1 = neg(mean(sum(mul(logSoftmax(a, 1), oneHot(y, 6)), 1)));
    const l2 = mean(mul(logSoftmax(a, 0), e));
    const l3 = mean(abs(sub(transpose(W), 0.1)));
    const l4 = mean(log(add(exp(neg(abs(z))), 1)));
    const l5 = mean(where(greater(z, 0), z, mul(z, z)));
    return { loss: add(add(add(l1, l2), add(l3, l4)), l5) };
  });
}

function mlpLoss(): Graph {
  return trace('mlp', (b) => {
    const p = mlpParams(b, [12, 32, 32, 5]);
    return { loss: crossEntropy(mlp(b.data('x', 'float32', ['batch', 12]), p), b.data('y', 'int32', ['batch'])) };
  });
}

/** Parameters: uniform in ±scale, seeded. */
function initParams(g: Graph, scale: number): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const i of g.inputs) if (i.kind === 'param') out[i.name] = uniform(rng, i.value.shape as number[], -scale, scale);
  return out;
}

describe('gradients', () => {
  it('of a loss mixing most primitives', async () => {
    const loss = mixedLoss();
    const g = grad(loss, { loss: 'loss' });
    const feeds = { ...initParams(loss, 0.5), ids: ints(rng, [7, 3], 0, 10), y: ints(rng, [7], 0, 6) };
    const { got, want } = await runBoth(g, feeds);
    expectClose(g, got, want, { rtol: 1e-4, atol: 1e-6 });
  });

  it('of an MLP cross-entropy', async () => {
    const loss = mlpLoss();
    const g = grad(loss, { loss: 'loss' });
    const feeds = { ...initParams(loss, 0.3), x: uniform(rng, [16, 12]), y: ints(rng, [16], 0, 5) };
    const { got, want } = await runBoth(g, feeds);
    expectClose(g, got, want, { rtol: 1e-4, atol: 1e-6 });
  });
});

describe('train step', () => {
  it('one Adam step: new parameters, moments and the loss', async () => {
    const loss = mlpLoss();
    const step = trainStep(loss, { optimizer: adam({ lr: 0.01 }) });
    const feeds: Record<string, Tensor> = { ...initParams(loss, 0.3), x: uniform(rng, [16, 12]), y: ints(rng, [16], 0, 5) };
    for (const p of step.params) for (const s of step.optimizer.slots) feeds[step.stateName(p, s)] = uniform(rng, feeds[p]!.shape, 0, 1e-3);
    for (const [h, v] of Object.entries(step.optimizer.hyperAt(1))) feeds[step.hyperName(h)] = scalar(v);
    const { got, want } = await runBoth(step.graph, feeds);
    expectClose(step.graph, got, want, { rtol: 1e-4, atol: 1e-6 });
  });

  it('20 Adam steps with the Trainer follow the reference', async () => {
    const loss = mlpLoss();
    const step = trainStep(loss, { optimizer: adam({ lr: 0.01 }) });
    const init = initParams(loss, 0.3);
    const batch = { x: uniform(rng, [16, 12]), y: ints(rng, [16], 0, 5) };
    const wasm = await Trainer.create(step, await getBackend('wasm'), init);
    const ref = await Trainer.create(step, new ReferenceBackend(), init);
    let lw = 0, lr = 0;
    for (let t = 0; t < 20; t++) {
      lw = (await wasm.run(batch)).loss!;
      lr = (await ref.run(batch)).loss!;
    }
    expect(Math.abs(lw - lr) / lr).toBeLessThan(1e-4);
    for (const p of step.params) expect(errorRatio(wasm.params[p]!, ref.params[p]!, { rtol: 1e-3, atol: 1e-5 }), p).toBeLessThanOrEqual(1);
    wasm.dispose();
  });
});
