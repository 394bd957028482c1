// Knowledge-graph triples: tab-separated head, relation, tail with string labels, in train/valid/test
// files; labels map to ids by sorted label over all splits (as PyKEEN and our reference do).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { datasetsDir } from './paths.ts';

/** Label ↔ id, ids in sorted-label order. */
export class LabelMap {
  readonly labels: readonly string[];
  private readonly ids: Map<string, number>;

  constructor(labels: Iterable<string>) {
    this.labels = [...new Set(labels)].sort();
    this.ids = new Map(this.labels.map((l, i) => [l, i]));
  }

  get size(): number {
    return this.labels.length;
  }

  id(label: string, what = 'label'): number {
    const i = this.ids.get(label);
    if (i === undefined) throw new Error(`unknown ${what} '${label}' (${this.size} known; e.g. ${this.labels.slice(0, 3).join(', ')})`);
    return i;
  }

  label(id: number): string {
    const l = this.labels[id];
    if (l === undefined) throw new Error(`id ${id} is outside [0, ${this.size})`);
    return l;
  }
}

/** Triples as an int32 [n, 3] array of (head, relation, tail) ids. */
export interface Triples {
  readonly ids: Int32Array;
  readonly count: number;
}

export interface TriplesDataset {
  name: string;
  entities: LabelMap;
  relations: LabelMap;
  train: Triples;
  valid: Triples;
  test: Triples;
}

export const SPLITS = ['train', 'valid', 'test'] as const;

function readSplit(file: string): string[][] {
  if (!existsSync(file)) throw new Error(`triples file ${file} is missing; a dataset folder holds train.txt, valid.txt and test.txt`);
  const rows: string[][] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, k) => {
    if (line.trim() === '') return;
    const parts = line.replace(/\r$/, '').split('\t');
    if (parts.length !== 3 || parts.some((p) => p === '')) {
      throw new Error(`${file}:${k + 1}: expected head<TAB>relation<TAB>tail, got '${line.slice(0, 80)}'`);
    }
    rows.push(parts);
  });
  if (rows.length === 0) throw new Error(`${file} holds no triples; every split needs at least one`);
  return rows;
}

/** Read a dataset folder, or a dataset shipped in `datasets/` by name (nations, kinships, umls). */
export function readTriples(pathOrName: string): TriplesDataset {
  const dir = existsSync(pathOrName) ? pathOrName : join(datasetsDir(), pathOrName);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`dataset '${pathOrName}' not found: give a folder with train.txt, valid.txt, test.txt or a shipped name (nations, kinships, umls)`);
  }
  const raw = Object.fromEntries(SPLITS.map((s) => [s, readSplit(join(dir, `${s}.txt`))])) as Record<(typeof SPLITS)[number], string[][]>;
  const all = SPLITS.flatMap((s) => raw[s]);
  const entities = new LabelMap(all.flatMap(([h, , t]) => [h!, t!]));
  const relations = new LabelMap(all.map(([, r]) => r!));
  const toIds = (rows: string[][]): Triples => {
    const ids = new Int32Array(rows.length * 3);
    rows.forEach(([h, r, t], i) => {
      ids[3 * i] = entities.id(h!);
      ids[3 * i + 1] = relations.id(r!);
      ids[3 * i + 2] = entities.id(t!);
    });
    return { ids, count: rows.length };
  };
  return { name: dir.split('/').filter(Boolean).pop()!, entities, relations, train: toIds(raw.train), valid: toIds(raw.valid), test: toIds(raw.test) };
}

/** Per relation: tph (mean tails per distinct head) and hpt (mean heads per distinct tail), over `triples`. */
export function relationStats(triples: Triples, relations: number): { tph: Float64Array; hpt: Float64Array } {
  const heads = Array.from({ length: relations }, () => new Map<number, number>());
  const tails = Array.from({ length: relations }, () => new Map<number, number>());
  for (let i = 0; i < triples.count; i++) {
    const h = triples.ids[3 * i]!, r = triples.ids[3 * i + 1]!, t = triples.ids[3 * i + 2]!;
    heads[r]!.set(h, (heads[r]!.get(h) ?? 0) + 1);
    tails[r]!.set(t, (tails[r]!.get(t) ?? 0) + 1);
  }
  const mean = (m: Map<number, number>): number => (m.size ? [...m.values()].reduce((p, q) => p + q, 0) / m.size : 0);
  return { tph: Float64Array.from(heads, mean), hpt: Float64Array.from(tails, mean) };
}
