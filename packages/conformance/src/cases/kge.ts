// KGE models: each registered model's one score function forward and through its gradient, in hrt
// and 1-vs-all form (the broadcasting of evaluation), and 20 sLCWA steps with its constraints.
import { Philox, Tensor, adam, gather, reshape, type GraphBuilder, type Value } from '@repkit/core';
import { kge } from '@repkit/methods';
import type { Case } from '../case.ts';
import type { Kind } from '../tolerances.ts';
import { ints } from './inputs.ts';

const SIZES = { entities: 6, relations: 3 };
const N = 8;
// A few training triples, for the models whose fixed tables come from statistics (TransM, TranSparse).
const TRAIN = { ids: Int32Array.of(0, 0, 1, 0, 0, 2, 3, 1, 4, 5, 1, 4, 2, 2, 0, 1, 2, 3, 4, 0, 5), count: 7 };
// Models whose score multiplies matrices: matmul tolerance for the forward outputs.
const MATRIX = new Set(['TransR', 'TranSparseShare', 'TranSparseSeparate', 'TransA', 'SE']);

function modelOf(name: string): kge.KgeModel {
  const m = kge.KGE_MODELS[name]!({ dim: 4, relDim: 3, components: 2 });
  m.prepare?.(TRAIN, SIZES);
  return m;
}

const rowsOf = (tables: Record<string, Value>, m: kge.KgeModel, side: 'entity' | 'relation', ids: Value): kge.Rows =>
  Object.fromEntries(Object.entries(m.tables).filter(([, s]) => s.side === side).map(([t]) => [t, gather(tables[t]!, ids)]));

/** Initial values moved off their structured start (identities, unit variances, zero logits), same sign. */
function jittered(m: kge.KgeModel, rng: Philox): Record<string, Tensor> {
  const init = m.init(rng, SIZES);
  for (const [t, v] of Object.entries(init)) {
    if (m.tables[t]!.fixed) continue;
    const noise = rng.uniforms(v.size, -0.1, 0.1);
    v.data.forEach((x, i) => (v.data[i] = x + noise[i]! * Math.max(Math.abs(x), 0.1)));
  }
  return init;
}

function scoreCase(name: string): Case {
  const m = modelOf(name);
  const specs = Object.entries(m.tables);
  return {
    name: `kge/${name}/score`, kind: (MATRIX.has(name) ? 'matmul' : 'reduction') as Kind,
    grad: specs.filter(([, s]) => !s.fixed).map(([t]) => t),
    build: (b: GraphBuilder) => {
      const tables = Object.fromEntries(specs.map(([t, s]) => [t, b.data(t, 'float32', [SIZES[s.side === 'entity' ? 'entities' : 'relations'], ...s.row])]));
      const [h, r, t] = ['h', 'r', 't'].map((n) => b.data(n, 'int32', [N])) as [Value, Value, Value];
      const R = rowsOf(tables, m, 'relation', r);
      const col = (rows: kge.Rows): kge.Rows => Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, reshape(v, [N, 1, ...v.shape.slice(1)])]));
      const all = Object.fromEntries(specs.filter(([, s]) => s.side === 'entity').map(([k]) => [k, reshape(tables[k]!, [1, ...tables[k]!.shape])]));
      return {
        score: m.score(rowsOf(tables, m, 'entity', h), R, rowsOf(tables, m, 'entity', t), b),
        tails: m.score(col(rowsOf(tables, m, 'entity', h)), col(R), all, b),
      };
    },
    feeds: (rng) => ({
      ...jittered(m, rng), h: ints(rng, [N], 0, SIZES.entities), r: ints(rng, [N], 0, SIZES.relations), t: ints(rng, [N], 0, SIZES.entities),
    }),
  };
}

function trainCase(name: string): Case {
  const m = modelOf(name);
  const all = m.init(new Philox(0), SIZES);
  const fixed = Object.fromEntries(Object.keys(m.tables).filter((t) => m.tables[t]!.fixed).map((t) => [t, all[t]!]));
  return {
    name: `kge/${name}/train-20`, kind: 'train',
    // The pipeline's own loss graph (margin 1, masked mean), adopted into the case's builder.
    build: (b: GraphBuilder) => {
      const g = kge.lossGraph(m, SIZES, N, 1, 'margin', fixed);
      const map = b.adopt(g);
      return { loss: map.get(g.outputs[0]!.value)! };
    },
    feeds: (rng) => {
      const id = (hi: number): Tensor => ints(rng, [N], 0, hi);
      const f: Record<string, Tensor> = {
        h: id(SIZES.entities), r: id(SIZES.relations), t: id(SIZES.entities), hn: id(SIZES.entities), tn: id(SIZES.entities),
        mask: new Tensor('float32', [N], new Float32Array(N).fill(1)),
      };
      for (const k of kge.globalIdInputs(m)) f[`${k}.global`] = f[k]!; // fixed tables gather by these (no row remapping here)
      return f;
    },
    train: {
      steps: 20, optimizer: () => adam({ lr: 0.01 }), constraints: m.constraints,
      init: (rng) => Object.fromEntries(Object.entries(m.init(rng, SIZES)).filter(([t]) => !m.tables[t]!.fixed)),
    },
  };
}

export const kgeCases: Case[] = Object.keys(kge.KGE_MODELS).flatMap((name) => [scoreCase(name), trainCase(name)]);
