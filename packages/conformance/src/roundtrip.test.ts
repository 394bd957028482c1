import { describe, expect, it } from 'vitest';
import {
  GraphBuilder, Philox, ReferenceBackend, Tensor, Trainer, add, crossEntropy, grad, interpret, isFloat, mlp, mlpInit, mlpParams,
  mul, prune, sgd, sum, trace, trainStep, type Graph, type Results,
} from '@repkit/core';
import { allCases, type Case } from './index.ts';
import { exportOnnx, importModel, importOnnx } from '@repkit/onnx';

/** The graph with, for every float output, Σ out·w added as `loss` and differentiated w.r.t. c.grad. */
function gradientGraph(c: Case, forward: Graph): Graph {
  const b = new GraphBuilder(`${c.name}.grad`);
  const map = b.adopt(forward);
  let loss;
  for (const o of forward.outputs) {
    if (!isFloat(o.value.dtype)) continue;
    const v = map.get(o.value)!;
    const term = sum(mul(v, b.data(`w.${o.name}`, v.dtype, v.shape)));
    loss = loss ? add(loss, term) : term;
  }
  return grad(b.build({ loss: loss! }), { loss: 'loss', wrt: c.grad! });
}

/** Feeds for every input: the case's own, the rest (weights, optimizer state, hyper-parameters) in (0.1, 1). */
function feedsFor(g: Graph, given: Record<string, Tensor>, rng: Philox): Record<string, Tensor> {
  const dims = new Map<string, number>();
  for (const i of g.feeds) i.value.shape.forEach((d, k) => typeof d === 'string' && given[i.name] && dims.set(d, given[i.name]!.shape[k]!));
  const out: Record<string, Tensor> = {};
  for (const i of g.feeds) {
    if (given[i.name]) { out[i.name] = given[i.name]!; continue; }
    const shape = i.value.shape.map((d) => (typeof d === 'number' ? d : dims.get(d) ?? 3));
    const n = shape.reduce((p, q) => p * q, 1);
    out[i.name] = new Tensor('float32', shape, Float32Array.from(rng.uniforms(n, 0.1, 1)));
  }
  return out;
}

function expectSame(a: Results, b: Results): void {
  expect(Object.keys(b)).toEqual(Object.keys(a));
  for (const [name, t] of Object.entries(a)) {
    const u = b[name]!;
    expect([u.dtype, u.shape], name).toEqual([t.dtype, t.shape]);
    expect(Object.is(u.data.length, t.data.length) && u.data.every((v, i) => Object.is(v, t.data[i])), `${name} bit-identical`).toBe(true);
  }
}

// A reduction over no axes, and stopGradient (a barrier for autodiff only), export as Identity: import reads nothing back.
const noop = (n: Graph['nodes'][number]): boolean =>
  n.op === 'stopGradient' || (n.op.startsWith('reduce') && (n.attrs.axes as number[]).length === 0);
const ops = (g: Graph): string[] => g.nodes.filter((n) => !noop(n)).map((n) => n.op);

interface Trip { name: string; graph: Graph; feeds: Record<string, Tensor> }

function trips(): Trip[] {
  const out: Trip[] = [];
  allCases.forEach((c, k) => {
    const rng = new Philox(7, k);
    const forward = trace(c.name, c.build);
    const feeds = c.feeds(rng);
    if (c.train) {
      const step = trainStep(forward, { optimizer: c.train.optimizer(), constraints: c.train.constraints });
      out.push({ name: `${c.name} (train step)`, graph: step.graph, feeds: feedsFor(step.graph, { ...feeds, ...c.train.init(rng) }, rng) });
      return;
    }
    out.push({ name: `${c.name} (forward)`, graph: forward, feeds });
    if (c.grad) {
      const g = gradientGraph(c, forward);
      out.push({ name: `${c.name} (gradient)`, graph: g, feeds: feedsFor(g, feeds, rng) });
    }
  });
  return out;
}

describe('importOnnx(exportOnnx(g)) over every conformance case: forward, gradient and train-step graphs', () => {
  const all = trips();

  it('covers every case', () => {
    expect(all.length).toBeGreaterThanOrEqual(allCases.length);
  });

  it.each(all.map((t) => [t.name, t] as const))('%s: same primitives, bit-identical reference outputs', (_, t) => {
    const back = importOnnx(exportOnnx(t.graph));
    expect(ops(back)).toEqual(ops(prune(t.graph)));
    expect(back.feeds.map((i) => [i.name, i.value.dtype, i.value.shape])).toEqual(t.graph.feeds.map((i) => [i.name, i.value.dtype, i.value.shape]));
    expectSame(interpret(t.graph, t.feeds), interpret(back, t.feeds));
  });
});

describe("importModel(bytes, { params: 'initializers' })", () => {
  it('turns baked float initializers into parameters with their values, ready to fine-tune', () => {
    const g = trace('lin', (b) => ({ y: add(mul(b.data('x', 'float32', ['batch', 3]), b.param('w', 'float32', [3])), b.constant('c', new Tensor('float32', [1], Float32Array.of(0.5)))) }));
    const w = new Tensor('float32', [3], Float32Array.of(1, 2, 3));
    const bytes = exportOnnx(g, { initializers: { w } });
    const frozen = importModel(bytes);
    expect(frozen.graph.inputs.map((i) => [i.name, i.kind])).toEqual([['x', 'data'], ['w', 'const'], ['c', 'const']]);
    const tuned = importModel(bytes, { params: 'initializers' });
    expect(tuned.graph.inputs.map((i) => [i.name, i.kind])).toEqual([['x', 'data'], ['w', 'param'], ['c', 'param']]);
    expect([...tuned.params.w!.data]).toEqual([1, 2, 3]);
    const x = new Tensor('float32', [2, 3], Float32Array.of(1, 1, 1, 2, 2, 2));
    expectSame(interpret(frozen.graph, { x }), interpret(tuned.graph, { x, ...tuned.params }));
    expect(importModel(bytes, { params: ['c'] }).graph.inputs.map((i) => i.kind)).toEqual(['data', 'const', 'param']);
    expect(() => importModel(bytes, { params: 'all' as never })).toThrow(/options.params must be 'constants', 'initializers' or a list of initializer names, got "all"/);
    expect(() => importModel(bytes, { params: ['nope'] })).toThrow(/options.params names 'nope', not float initializers the graph reads/);
  });

  it('fine-tunes an imported model: a loss on its output, a train step, the imported weights as initial parameters', async () => {
    const sizes = [4, 8, 3];
    const net = trace('net', (b) => ({ logits: mlp(b.data('x', 'float32', ['batch', 4]), mlpParams(b, sizes)) }));
    const m = importModel(exportOnnx(net, { initializers: mlpInit(new Philox(1), sizes) }), { params: 'initializers' });
    expect(Object.keys(m.params).sort()).toEqual(['W0', 'W1', 'b0', 'b1']); // not the scalar literals
    const b = new GraphBuilder('finetune');
    const logits = b.adopt(m.graph).get(m.graph.output('logits').value)!;
    const step = trainStep(b.build({ loss: crossEntropy(logits, b.data('y', 'int32', ['batch'])) }), { optimizer: sgd({ lr: 0.5 }) });
    const trainer = await Trainer.create(step, new ReferenceBackend(), m.params);
    const rng = new Philox(2);
    const batch = { x: new Tensor('float32', [16, 4], Float32Array.from(rng.uniforms(64, -1, 1))), y: new Tensor('int32', [16], rng.integers(16, 0, 3)) };
    const losses: number[] = [];
    for (let t = 0; t < 30; t++) losses.push((await trainer.run(batch)).loss!);
    expect(losses.at(-1)!).toBeLessThan(0.8 * losses[0]!);
  });
});
