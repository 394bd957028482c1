import ort from 'onnxruntime-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { add, getBackend, greater, probeBackend, tensor, trace, where } from '@repkit/core';
import { OrtBackend, probeOrt, providers } from './index.ts';

const graph = () => trace('g', (b) => {
  const x = b.data('x', 'float32', ['batch', 2]);
  const m = b.data('m', 'bool', ['batch', 2]);
  const y = add(x, 1);
  return { y, pos: greater(y, 1.5), pick: where(m, y, 0) };
});
const feeds = {
  x: tensor([0, 1, 2, 3], [2, 2], 'float64'),
  m: tensor([1, 0, 0, 1], [2, 2], 'bool'),
};
const cudaInstalled = providers().some((p) => p.name === 'cuda' && p.available);

afterEach(() => vi.restoreAllMocks());

describe('OrtBackend', () => {
  it('describes engine, provider, threads and dtype', () => {
    expect(new OrtBackend({ device: 'cpu' }).describe()).toBe(`onnxruntime-node ${ort.env.versions.node}, cpu EP, 1 thread, float32`);
    expect(new OrtBackend({ device: 'cpu', threads: 4 }).describe()).toMatch(/cpu EP, 4 threads/);
  });

  it('runs float64 and bool feeds and returns the declared dtypes', async () => {
    const exe = await new OrtBackend({ device: 'cpu' }).compile(graph());
    const out = await exe.run(feeds);
    expect([out.y!.dtype, out.pos!.dtype, out.pick!.dtype]).toEqual(['float32', 'bool', 'float32']);
    expect(out.y!.toArray()).toEqual([1, 2, 3, 4]);
    expect(out.pos!.toArray()).toEqual([0, 1, 1, 1]);
    expect(out.pick!.toArray()).toEqual([1, 0, 0, 4]);
  });

  it('returns only the outputs a run asks for, and names an unknown one', async () => {
    const exe = await new OrtBackend({ device: 'cpu' }).compile(graph());
    const out = await exe.run(feeds, { outputs: ['pick', 'y'] });
    expect(Object.keys(out).sort()).toEqual(['pick', 'y']);
    expect(out.pick!.toArray()).toEqual([1, 0, 0, 4]);
    await expect(exe.run(feeds, { outputs: ['nope'] })).rejects.toThrow(/unknown output 'nope' \(outputs: y, pos, pick\)/);
    exe.dispose();
  });

  it('creates one session per Graph object and reuses it', async () => {
    const create = vi.spyOn(ort.InferenceSession, 'create');
    const be = new OrtBackend({ device: 'cpu' });
    const g = graph();
    const [a, b] = await Promise.all([be.compile(g), be.compile(g)]);
    await be.compile(g);
    expect(create).toHaveBeenCalledTimes(1);
    await be.compile(graph());
    expect(create).toHaveBeenCalledTimes(2);
    a.dispose();
    expect((await b.run(feeds)).y!.size).toBe(4); // still shared by b
  });

  it('validates feeds and refuses to run after dispose', async () => {
    const exe = await new OrtBackend({ device: 'cpu' }).compile(graph());
    await expect(exe.run({ x: feeds.x })).rejects.toThrow(/missing feed 'm'/);
    await expect(exe.run({ ...feeds, x: tensor([1, 2, 3], [3, 1]) })).rejects.toThrow(/feed 'x' has dim 1 = 1, expected 2/);
    exe.dispose();
    await expect(exe.run(feeds)).rejects.toThrow(/disposed; compile the graph again/);
  });

  it('rejects bad options naming the option', () => {
    expect(() => new OrtBackend({ device: 'gpu' as 'cuda' })).toThrow(/device must be 'cpu', 'cuda' or 'auto'/);
    expect(() => new OrtBackend({ threads: 0 })).toThrow(/threads must be a positive integer/);
  });
});

describe.skipIf(cudaInstalled)('cuda → cpu fallback (this machine has no CUDA execution provider)', () => {
  it("device 'auto' picks cpu without a warning", async () => {
    const logger = vi.fn();
    const be = new OrtBackend({ logger });
    await be.compile(graph());
    expect(be.describe()).toMatch(/cpu EP/);
    expect(logger).not.toHaveBeenCalled();
  });

  it("device 'cuda' falls back to cpu and warns exactly once", async () => {
    const logger = vi.fn();
    const be = new OrtBackend({ device: 'cuda', logger });
    expect(be.describe()).toMatch(/cuda EP/);
    const out = await (await be.compile(graph())).run(feeds);
    await be.compile(trace('other', (b) => ({ y: add(b.data('x', 'float32', [1]), 1) })));
    expect(out.y!.toArray()).toEqual([1, 2, 3, 4]);
    expect(be.describe()).toMatch(/cpu EP/);
    expect(logger).toHaveBeenCalledTimes(1);
    expect(logger.mock.calls[0]![0]).toMatch(/cuda execution provider unavailable .*running on cpu.*ONNXRUNTIME_NODE_INSTALL=cuda12/);
  });

  it("strict: true throws naming the provider, the reason and the fix", async () => {
    const logger = vi.fn();
    const be = new OrtBackend({ device: 'cuda', strict: true, logger });
    const err = await be.compile(graph()).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/cuda execution provider cannot be used \(strict: true\): .+\. Fix: .*ONNXRUNTIME_NODE_INSTALL=cuda12.*device: 'cpu'/);
    expect(logger).not.toHaveBeenCalled();
  });

  it('providers() says why cuda is missing and how to fix it', async () => {
    const cuda = providers().find((p) => p.name === 'cuda');
    expect(cuda).toMatchObject({ available: false, reason: expect.stringMatching(/providers_cuda/), fix: expect.stringMatching(/cuda12/) });
    const probe = await probeOrt();
    expect(probe.version).toBe(ort.env.versions.node);
    expect(probe.providers.find((p) => p.name === 'cpu')).toEqual({ name: 'cpu', available: true, reason: null, fix: null });
  });
});

describe('registration', () => {
  it("registers as 'onnxruntime' on import, usable here", async () => {
    expect(await probeBackend('onnxruntime')).toBeNull();
    const be = await getBackend('onnxruntime');
    expect(be).toBeInstanceOf(OrtBackend);
    expect(be.name).toBe('onnxruntime');
  });
});
