// The graphs of a KGE model, traced from its one score function: the sLCWA loss of a batch, and
// 1-vs-all scoring of every tail of (h, r) or every head of (r, t).
import {
  GraphBuilder, add, div, expand, gather, mul, relu, reshape, softplus, sub, sum, type Graph, type Tensor, type Value,
} from '@repkit/core';
import type { KgeModel, KgeSizes, Rows } from './model.ts';

export type LossKind = 'margin' | 'softplus';

/** Rows of every table on `side`; fixed tables gather with `fixedIds` (global ids where a trainer remaps `ids`). */
function rowsOf(tables: Record<string, Value>, model: KgeModel, side: 'entity' | 'relation', ids: Value, fixedIds = ids): Rows {
  const out: Rows = {};
  for (const [name, spec] of Object.entries(model.tables)) if (spec.side === side) out[name] = gather(tables[name]!, spec.fixed ? fixedIds : ids);
  return out;
}

/**
 * Index inputs whose fixed tables gather by a twin `<name>.global`, fed the same ids: a SparseTrainer
 * rewrites `<name>` to local row ids of its trained tables, which would pick the wrong constant rows.
 */
export function globalIdInputs(model: KgeModel): string[] {
  const sides = new Set(Object.values(model.tables).filter((s) => s.fixed).map((s) => s.side));
  return [...(sides.has('entity') ? ['h', 't', 'hn', 'tn'] : []), ...(sides.has('relation') ? ['r'] : [])];
}

/**
 * Margin ranking relu(γ + f(neg) − f(pos)) (or its soft variant softplus), averaged over the rows whose
 * mask is 1 (a short last batch is padded with masked rows). Index inputs: h, r, t, hn, tn of size n
 * (and their `.global` twins of globalIdInputs for models with fixed tables).
 */
export function lossGraph(
  model: KgeModel, sizes: KgeSizes, n: number, margin: number, kind: LossKind, fixed: Readonly<Record<string, Tensor>> = {},
): Graph {
  const b = new GraphBuilder(`${model.name}.loss`);
  const tables: Record<string, Value> = {};
  for (const [name, spec] of Object.entries(model.tables)) {
    const shape = [spec.side === 'entity' ? sizes.entities : sizes.relations, ...spec.row];
    if (!spec.fixed) tables[name] = b.param(name, 'float32', shape);
    else if (fixed[name]) tables[name] = b.constant(name, fixed[name]!); // not trained: baked in as the scorers bake every table
    else throw new Error(`lossGraph: fixed table '${name}' of ${model.name} needs its value in \`fixed\` (from model.init)`);
  }
  const id = (name: string): Value => b.data(name, 'int32', [n]);
  const [h, r, t, hn, tn] = ['h', 'r', 't', 'hn', 'tn'].map(id) as [Value, Value, Value, Value, Value];
  const global = Object.fromEntries(globalIdInputs(model).map((k) => [k, id(`${k}.global`)]));
  const mask = b.data('mask', 'float32', [n]);
  const rows = (side: 'entity' | 'relation', ids: Value, k: string): Rows => rowsOf(tables, model, side, ids, global[k] ?? ids);
  const R = rows('relation', r, 'r');
  const pos = model.score(rows('entity', h, 'h'), R, rows('entity', t, 't'), b);
  const neg = model.score(rows('entity', hn, 'hn'), R, rows('entity', tn, 'tn'), b);
  const gap = add(sub(neg, pos), margin);
  const per = kind === 'margin' ? relu(gap) : softplus(gap);
  return b.build({ loss: div(sum(mul(per, mask)), sum(mask)) });
}

/** Tables as constants of `b` (weights baked in). */
function constants(b: GraphBuilder, model: KgeModel, params: Readonly<Record<string, Tensor>>): Record<string, Value> {
  return Object.fromEntries(Object.keys(model.tables).map((name) => [name, b.constant(name, params[name]!)]));
}

/** Scores [q, E] of every candidate on `side`: (anchor, r) → all tails, or (r, anchor) → all heads. */
function oneVsAll(model: KgeModel, tables: Record<string, Value>, side: 'tail' | 'head', anchor: Value, r: Value, b: GraphBuilder): Value {
  const q = anchor.shape[0]!;
  const col = (rows: Rows): Rows => Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, reshape(v, [q, 1, ...v.shape.slice(1)])]));
  const all: Rows = {};
  for (const [name, spec] of Object.entries(model.tables)) {
    if (spec.side === 'entity') all[name] = reshape(tables[name]!, [1, ...tables[name]!.shape]);
  }
  const A = col(rowsOf(tables, model, 'entity', anchor)), R = col(rowsOf(tables, model, 'relation', r));
  const E = tables[Object.keys(all)[0]!]!.shape[0]!;
  return expand(side === 'tail' ? model.score(A, R, all, b) : model.score(all, R, A, b), [q, E]);
}

/** 1-vs-all scoring of one side for evaluation: inputs (h or t) and r of q queries. */
export function scorerGraph(model: KgeModel, params: Readonly<Record<string, Tensor>>, side: 'tail' | 'head', q: number | string): Graph {
  const b = new GraphBuilder(`${model.name}.score_${side}s`);
  const anchor = b.data(side === 'tail' ? 'h' : 't', 'int32', [q]);
  const r = b.data('r', 'int32', [q]);
  return b.build({ scores: oneVsAll(model, constants(b, model, params), side, anchor, r, b) });
}

/**
 * The exported scorer: inputs h, r, t [q]; outputs `tails` [q, E] (every tail of (h, r)), `heads`
 * [q, E] (every head of (r, t)) and `score` [q] of (h, r, t). Weights are baked in.
 */
export function exportGraph(model: KgeModel, params: Readonly<Record<string, Tensor>>): Graph {
  const b = new GraphBuilder(`${model.name}.scorer`);
  const tables = constants(b, model, params);
  const [h, r, t] = ['h', 'r', 't'].map((n) => b.data(n, 'int32', ['q'])) as [Value, Value, Value];
  const ent = (ids: Value): Rows => rowsOf(tables, model, 'entity', ids);
  return b.build({
    tails: oneVsAll(model, tables, 'tail', h, r, b),
    heads: oneVsAll(model, tables, 'head', t, r, b),
    score: model.score(ent(h), rowsOf(tables, model, 'relation', r), ent(t), b),
  });
}

/** The distance query rows [q, …row] of one side (models with `distance`). */
export function queryGraph(model: KgeModel, params: Readonly<Record<string, Tensor>>, side: 'tail' | 'head'): Graph {
  if (!model.distance) throw new Error(`${model.name} has no distance form; use scorerGraph`);
  const b = new GraphBuilder(`${model.name}.query_${side}s`);
  const tables = constants(b, model, params);
  const anchor = b.data(side === 'tail' ? 'h' : 't', 'int32', ['q']);
  const r = b.data('r', 'int32', ['q']);
  return b.build({ query: model.distance.query(side, rowsOf(tables, model, 'entity', anchor), rowsOf(tables, model, 'relation', r)) });
}
