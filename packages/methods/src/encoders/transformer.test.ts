// The transformer encoder: padded positions change nothing on the real ones, attention is causal-free
// (every real position sees every other), and the frame and token front ends share the blocks.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, Philox, ReferenceBackend, Tensor, grad, sum } from '@repkit/core';
import { encodeFrames, encodeTokens, transformerInit, transformerParams, type TransformerConfig } from './transformer.ts';

const cfg: TransformerConfig = { vocab: 12, dim: 16, heads: 4, layers: 2, maxLen: 8 };
const ref = new ReferenceBackend();

async function encode(ids: number[][], mask: number[][], config = cfg): Promise<Tensor> {
  const B = ids.length, T = ids[0]!.length;
  const b = new GraphBuilder('enc');
  const x = b.data('ids', 'int32', [B, T]);
  const m = b.data('mask', 'float64', [B, T]);
  const g = b.build({ h: encodeTokens(transformerParams(b, config, 'float64'), x, m) });
  const exe = await ref.compile(g);
  const feeds = { ...transformerInit(new Philox(1), config, 'float64'), ids: new Tensor('int32', [B, T], Int32Array.from(ids.flat())), mask: new Tensor('float64', [B, T], Float64Array.from(mask.flat())) };
  return (await exe.run(feeds)).h!;
}

describe('transformer encoder', () => {
  it('gives the same outputs on unpadded positions of a padded batch as on the unpadded sequence', async () => {
    const alone = await encode([[3, 5, 7, 2, 9]], [[1, 1, 1, 1, 1]]);
    const padded = await encode([[3, 5, 7, 2, 9, 0, 0, 0], [4, 4, 1, 1, 6, 8, 10, 11]], [[1, 1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]]);
    const d = 16;
    for (let t = 0; t < 5; t++) for (let k = 0; k < d; k++) expect(padded.data[t * d + k]).toBeCloseTo(alone.data[t * d + k]!, 12);
    // Without the mask the padding would leak in: the same batch unmasked differs.
    const leaky = await encode([[3, 5, 7, 2, 9, 0, 0, 0]], [[1, 1, 1, 1, 1, 1, 1, 1]]);
    expect(Math.abs(leaky.data[0]! - alone.data[0]!)).toBeGreaterThan(1e-6);
  });

  it('lets every position attend to every other: changing the last token changes the first output', async () => {
    const a = await encode([[3, 5, 7, 2]], [[1, 1, 1, 1]]);
    const b = await encode([[3, 5, 7, 8]], [[1, 1, 1, 1]]);
    expect(Math.abs(a.data[0]! - b.data[0]!)).toBeGreaterThan(1e-6);
  });

  it('has a finite gradient for every parameter, frames front end included', async () => {
    const fc: TransformerConfig = { inputDim: 3, dim: 8, heads: 2, layers: 1, maxLen: 6 };
    const b = new GraphBuilder('frames');
    const x = b.data('x', 'float64', [2, 6, 3]);
    const p = transformerParams(b, fc, 'float64');
    const g = grad(b.build({ loss: sum(encodeFrames(p, x)) }), { loss: 'loss', wrt: Object.keys(transformerInit(new Philox(0), fc)) });
    const out = await (await ref.compile(g)).run({ ...transformerInit(new Philox(0), fc, 'float64'), x: new Tensor('float64', [2, 6, 3], new Philox(2).normals(36)) });
    const W = out['grad:enc.inW']!;
    expect(W.shape).toEqual([3, 8]);
    expect(Array.from(W.data).every(Number.isFinite)).toBe(true);
    expect(() => transformerParams(new GraphBuilder(), { vocab: 5, dim: 10, heads: 4, maxLen: 4 })).toThrow(/heads \(4\) must divide dim \(10\)/);
  });
});
