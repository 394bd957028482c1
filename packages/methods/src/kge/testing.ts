// Test helpers (not exported by the package): one score of a model on the float64 reference backend.
import { GraphBuilder, Tensor, interpret } from '@repkit/core';
import type { KgeModel, Rows } from './model.ts';

export type RowValues = Record<string, readonly number[]>;

/** f(h, r, t) of single rows given flat per table, traced from the model's score and interpreted. */
export function scoreOne(model: KgeModel, h: RowValues, r: RowValues, t: RowValues): number {
  const b = new GraphBuilder(`${model.name}.test`);
  const feeds: Record<string, Tensor> = {};
  const rows = (side: 'entity' | 'relation', tag: string, vals: RowValues): Rows => {
    const out: Rows = {};
    for (const [name, spec] of Object.entries(model.tables)) {
      if (spec.side !== side) continue;
      const shape = [1, ...spec.row], v = vals[name];
      if (!v || v.length !== shape.reduce((p, q) => p * q, 1)) throw new Error(`scoreOne: ${tag}.${name} needs ${shape.slice(1).join('×')} values`);
      feeds[`${tag}.${name}`] = new Tensor('float64', shape, Float64Array.from(v));
      out[name] = b.data(`${tag}.${name}`, 'float64', shape); // float64 throughout: exact hand values
    }
    return out;
  };
  const g = b.build({ f: model.score(rows('entity', 'h', h), rows('relation', 'r', r), rows('entity', 't', t), b) });
  return interpret(g, feeds).f!.data[0]!;
}
