// KGE task helpers: labels from an export's metadata, a labelled query as feeds, and the ranking that
// `repkit kge score` prints (score descending, then entity id).
import { Tensor, type Feeds } from '@repkit/core';
import { HttpError } from './tensors.ts';

export interface KgeLabels {
  model: string;
  entities: readonly string[];
  relations: readonly string[];
  entityId: ReadonlyMap<string, number>;
  relationId: ReadonlyMap<string, number>;
}

export interface KgeQuery {
  head?: string;
  relation: string;
  tail?: string;
  top?: number;
}

export interface Prediction {
  label: string;
  score: number;
}

function labelList(meta: Record<string, string>, key: string, file: string): string[] {
  let v: unknown;
  try {
    v = JSON.parse(meta[key] ?? 'null');
  } catch {
    v = null;
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new Error(`${file}: metadata '${key}' must be a JSON array of labels; re-export with 'repkit kge export'`);
  }
  return v;
}

/** The labels of a repkit KGE export, or undefined when the metadata does not say repkit.kind = kge. */
export function kgeLabels(meta: Record<string, string>, file: string): KgeLabels | undefined {
  if (meta['repkit.kind'] !== 'kge') return undefined;
  const entities = labelList(meta, 'repkit.entities', file), relations = labelList(meta, 'repkit.relations', file);
  return {
    model: meta['repkit.model'] ?? 'unknown',
    entities, relations,
    entityId: new Map(entities.map((l, i) => [l, i])),
    relationId: new Map(relations.map((l, i) => [l, i])),
  };
}

function id(map: ReadonlyMap<string, number>, labels: readonly string[], label: string, what: string): number {
  const i = map.get(label);
  if (i === undefined) {
    throw new HttpError(400, `unknown ${what} '${label}' (${labels.length} known, e.g. ${labels.slice(0, 3).join(', ')}); labels are case-sensitive`);
  }
  return i;
}

/** A (head, relation) or (relation, tail) query as one row of the scorer's feeds h, r, t. */
export function kgeFeeds(k: KgeLabels, q: KgeQuery): { side: 'tails' | 'heads'; feeds: Feeds } {
  if ((q.head === undefined) === (q.tail === undefined)) {
    throw new HttpError(400, 'give exactly one of "head" (to rank tails) or "tail" (to rank heads), with "relation"');
  }
  const side = q.head !== undefined ? 'tails' : 'heads';
  const anchor = q.head !== undefined ? id(k.entityId, k.entities, q.head, 'head') : id(k.entityId, k.entities, q.tail!, 'tail');
  const one = (v: number): Tensor => new Tensor('int32', [1], Int32Array.of(v));
  return { side, feeds: { h: one(anchor), r: one(id(k.relationId, k.relations, q.relation, 'relation')), t: one(anchor) } };
}

/**
 * The `top` best of one row of scores, labelled, in the order `repkit kge score` prints (score
 * descending, then id), by insertion into a list of `top`: O(n) for the usual small top, not a sort of n.
 */
export function topPredictions(scores: ArrayLike<number>, labels: readonly string[], top: number): Prediction[] {
  const k = Math.min(top, scores.length);
  const ids: number[] = [];
  for (let i = 0; i < scores.length && k > 0; i++) {
    const s = scores[i]!;
    if (ids.length === k && !(s > scores[ids[k - 1]!]!)) continue;
    let j = ids.length === k ? k - 1 : ids.length;
    // Strictly greater moves up: an equal score keeps the lower id first.
    for (; j > 0 && s > scores[ids[j - 1]!]!; j--) ids[j] = ids[j - 1]!;
    ids[j] = i;
  }
  return ids.map((i) => ({ label: labels[i]!, score: scores[i]! }));
}

/** Entity and relation ids fed to a KGE scorer through /infer must be in range (a bad id would fail the whole batch). */
export function checkKgeIds(k: KgeLabels, feeds: Feeds): void {
  for (const [name, size] of [['h', k.entities.length], ['r', k.relations.length], ['t', k.entities.length]] as const) {
    const t = feeds[name];
    if (!t) continue;
    const bad = (t.data as Int32Array).findIndex((v) => v < 0 || v >= size);
    if (bad >= 0) throw new HttpError(400, `input '${name}': element ${bad} is ${t.data[bad]}, but ids must be in [0, ${size - 1}] (${name === 'r' ? 'relations' : 'entities'} of this model)`);
  }
}
