// The pipeline hooks the new models use: prepare before init, fixed tables baked into the loss graph
// (never trained, returned with the parameters), and a model's documented training defaults.
import { describe, expect, it } from 'vitest';
import '@repkit/backend-onnxruntime';
import { readTriples } from '@repkit/data';
import { createKgeModel } from './models.ts';
import { trainKge } from './train.ts';
import { mappingWeights } from './transm.ts';

describe('fixed tables and training defaults', () => {
  const data = readTriples('nations');
  it('TransM: θ_r from prepare(train), constant through training, returned in params', async () => {
    const model = createKgeModel('TransM', { dim: 8 });
    const t = await trainKge(model, data, { epochs: 2, seed: 0 });
    const want = mappingWeights(data.train, data.relations.size);
    expect(t.params.theta!.shape).toEqual([data.relations.size, 1]);
    t.params.theta!.data.forEach((v, r) => expect(v).toBeCloseTo(want[r]!, 6));
    expect(t.params.E!.shape).toEqual([data.entities.size, 8]);
  });
  it('TranSparse: masked-out entries of M stay exactly 0; epochs default to the model\'s trainDefaults', async () => {
    const model = createKgeModel('TranSparseShare', { dim: 6 });
    expect(model.trainDefaults?.epochs).toBe(100);
    const t = await trainKge({ ...model, trainDefaults: { epochs: 3 } }, data, { seed: 0 });
    expect(t.losses).toHaveLength(3);
    const M = t.params.M!.data, mask = t.params['M.mask']!.data;
    expect(mask.some((v) => v === 0)).toBe(true);
    mask.forEach((m, i) => m === 0 && expect(M[i]).toBe(0));
  });
});
