// Agreement of a clustering with reference labels: adjusted Rand index (Hubert & Arabie 1985) and
// normalised mutual information (arithmetic mean of the entropies, scikit-learn's default).
import type { Tensor } from '@repkit/core';

function contingency(a: Tensor, b: Tensor): { n: number; cells: Map<string, number>; rows: Map<number, number>; cols: Map<number, number> } {
  if (a.size !== b.size) throw new Error(`labelsTrue has ${a.size} entries but labelsPred has ${b.size}; pass one label per sample in each`);
  const cells = new Map<string, number>(), rows = new Map<number, number>(), cols = new Map<number, number>();
  for (let i = 0; i < a.size; i++) {
    const u = a.data[i]!, v = b.data[i]!;
    cells.set(`${u},${v}`, (cells.get(`${u},${v}`) ?? 0) + 1);
    rows.set(u, (rows.get(u) ?? 0) + 1);
    cols.set(v, (cols.get(v) ?? 0) + 1);
  }
  return { n: a.size, cells, rows, cols };
}

const pairs = (m: number): number => (m * (m - 1)) / 2;

/** Adjusted Rand index: 1 for identical partitions, ≈ 0 for independent ones. */
export function adjustedRandScore(labelsTrue: Tensor, labelsPred: Tensor): number {
  const { n, cells, rows, cols } = contingency(labelsTrue, labelsPred);
  let index = 0, a = 0, b = 0;
  for (const c of cells.values()) index += pairs(c);
  for (const c of rows.values()) a += pairs(c);
  for (const c of cols.values()) b += pairs(c);
  const expected = (a * b) / pairs(n), max = (a + b) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}

/** Mutual information over the mean of the two label entropies (1 = identical partitions). */
export function normalizedMutualInfoScore(labelsTrue: Tensor, labelsPred: Tensor): number {
  const { n, cells, rows, cols } = contingency(labelsTrue, labelsPred);
  const entropy = (m: Map<number, number>): number => [...m.values()].reduce((h, c) => h - (c / n) * Math.log(c / n), 0);
  let mi = 0;
  for (const [key, c] of cells) {
    const [u, v] = key.split(',').map(Number) as [number, number];
    mi += (c / n) * Math.log((n * c) / (rows.get(u)! * cols.get(v)!));
  }
  const h = (entropy(rows) + entropy(cols)) / 2;
  return h === 0 ? 1 : Math.max(mi, 0) / h;
}
