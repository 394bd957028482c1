// Every registered model: its one score function broadcasts the same in hrt and 1-vs-all form.
import { describe, expect, it } from 'vitest';
import { GraphBuilder, Philox, Tensor, interpret } from '@repkit/core';
import { exportGraph } from './graphs.ts';
import { KGE_MODELS } from './models.ts';

const sizes = { entities: 7, relations: 3 };
const train = { ids: Int32Array.of(0, 0, 1, 1, 0, 2, 2, 1, 3, 3, 2, 4, 4, 2, 5, 5, 1, 6, 6, 0, 0), count: 7 };

describe.each(Object.keys(KGE_MODELS))('%s', (name) => {
  it('hrt scores equal the matching entries of the tails and heads 1-vs-all scores; constraints hold at init', () => {
    const model = KGE_MODELS[name]!({ dim: 6, relDim: 4 });
    model.prepare?.(train, sizes);
    const params = model.init(new Philox(3), sizes);
    for (const [t, spec] of Object.entries(model.tables)) {
      expect(params[t]!.shape).toEqual([spec.side === 'entity' ? sizes.entities : sizes.relations, ...spec.row]);
      const c = model.constraints[t];
      if (!c) continue;
      const b = new GraphBuilder('c');
      const projected = interpret(b.build({ p: c(b.data('p', 'float32', params[t]!.shape)) }), { p: params[t]! }).p!.data;
      projected.forEach((v, i) => expect(v).toBeCloseTo(params[t]!.data[i]!, 6));
    }
    const h = Int32Array.of(0, 3, 6, 2), r = Int32Array.of(0, 2, 1, 1), t = Int32Array.of(1, 4, 0, 2);
    const out = interpret(exportGraph(model, params), {
      h: new Tensor('int32', [4], h), r: new Tensor('int32', [4], r), t: new Tensor('int32', [4], t),
    });
    const E = sizes.entities;
    expect(out.tails!.shape).toEqual([4, E]);
    for (let i = 0; i < 4; i++) {
      const s = out.score!.data[i]!;
      expect(Number.isFinite(s)).toBe(true);
      expect(out.tails!.data[i * E + t[i]!]).toBeCloseTo(s, 9);
      expect(out.heads!.data[i * E + h[i]!]).toBeCloseTo(s, 9);
    }
  });
});
